import { endpointInfo, paramTypes } from './createDiscoveryAnalysis.ts';
import { histQuantile } from './sketches.ts';
import type { DiscoveryState } from './types.ts';

const SCHEMAS: Record<string, Record<string, unknown>> = {
  integer: { type: 'integer', minimum: 0 },
  digits: { type: 'string', pattern: '^[0-9]+(?:[-_.][0-9]+)+$' },
  uuid: { type: 'string', format: 'uuid' },
  objectid: { type: 'string', pattern: '^[0-9a-fA-F]{24}$' },
  hex: { type: 'string', pattern: '^[0-9a-fA-F]+$' },
  date: { type: 'string', format: 'date' },
  email: { type: 'string', format: 'email' },
  masked: { type: 'string', description: 'sensitive value (masked in the logs)' },
  prefixed_id: { type: 'string', pattern: '^[A-Za-z]+_[A-Za-z0-9]+$' },
  token: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
  filename: { type: 'string', pattern: '^[^/]+\\.[A-Za-z0-9]+$' },
  string: { type: 'string' },
};

/**
 * An OpenAPI 3.1 document of what discovery learned for one domain: one operation per endpoint, path parameters
 * typed from the values seen, `x-apiscope` with the inventory figures.
 *
 * @example
 * writeFileSync('api.json', JSON.stringify(exportOpenApi(state, 'api.example.com'), null, 2));
 */
export function exportOpenApi(state: DiscoveryState, domainName: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const eps = Object.values(state.endpoints).filter((e) => e.domainName === domainName).sort((a, b) => a.template.localeCompare(b.template) || a.method.localeCompare(b.method));
  const opIds = new Set<string>();
  for (const ep of eps) {
    const item = (paths[ep.template] ??= {});
    const types = paramTypes(ep);
    const info = endpointInfo(ep, state);
    let opId = (ep.method.toLowerCase() + ep.template.replace(/\{([^}]+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))) || ep.method.toLowerCase();
    for (let n = 2; opIds.has(opId); n++) opId = `${opId}${n}`;
    opIds.add(opId);
    const responses: Record<string, unknown> = {};
    const classes = ['1XX', '2XX', '3XX', '4XX', '5XX'];
    ep.status.forEach((c, i) => { if (c > 0) responses[classes[i]] = { description: `${c} responses observed` }; });
    if (Object.keys(responses).length === 0) responses.default = { description: 'no response observed' };
    item[ep.method.toLowerCase()] = {
      operationId: opId,
      ...(ep.specOp >= 0 && state.spec?.[ep.specOp]?.deprecated ? { deprecated: true } : {}),
      parameters: Object.entries(types).map(([name, t]) => ({ name, in: 'path', required: true, schema: SCHEMAS[t] ?? SCHEMAS.string })),
      responses,
      'x-apiscope': {
        source: info.source,
        specStatus: info.specStatus,
        requestCount: ep.count,
        firstSeen: new Date(ep.firstSeen).toISOString(),
        lastSeen: new Date(ep.lastSeen).toISOString(),
        authRequests: ep.auth,
        unauthRequests: ep.unauth,
        sensitiveTypes: info.sensitiveTypes,
        fileAsset: info.isFileAsset,
        respBytesP50: histQuantile(ep.respHist, 0.5),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: `${domainName} (observed by apiscope)`, version: new Date(state.lastTs || 0).toISOString().slice(0, 10) },
    servers: [{ url: `https://${domainName}` }],
    paths,
  };
}
