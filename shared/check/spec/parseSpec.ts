import type { SpecModel, SpecOperation } from './types.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `/users/{id}/cards` -> `/users/{}/cards`; trailing slash dropped. */
export function shapeOf(template: string): string {
  const s = template.replace(/\{[^}/]*\}/g, '{}').replace(/:[A-Za-z_][A-Za-z0-9_]*/g, '{}');
  return s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s;
}

function hasSecurity(sec: unknown): boolean {
  // `security: []` disables auth; `security: [{}]` means "optional"; both count as unsecured.
  return Array.isArray(sec) && sec.some((req) => isObj(req) && Object.keys(req).length > 0);
}

/**
 * Reads an OpenAPI 3.x or Swagger 2.0 document (already parsed from JSON/YAML) into the model the checks use.
 * Returns null when the value is not an OpenAPI document.
 *
 * @example
 * const spec = parseSpec(YAML.parse(readFileSync('openapi.yaml', 'utf8')));
 * spec?.operations.filter((o) => !o.secured);
 */
export function parseSpec(doc: unknown): SpecModel | null {
  if (!isObj(doc) || !isObj(doc.paths)) return null;
  const hosts = new Set<string>();
  const plainHttpServers: string[] = [];
  const basePaths = new Set<string>();
  if (Array.isArray(doc.servers)) {
    for (const s of doc.servers) {
      if (!isObj(s) || typeof s.url !== 'string') continue;
      const url = s.url as string;
      const m = /^(https?):\/\/([^/{}:]+)(?::\d+)?(\/[^?#]*)?/i.exec(url);
      if (m) {
        if (m[1].toLowerCase() === 'http' && !/^(localhost|127\.|0\.0\.0\.0|\[::1\])/.test(m[2])) plainHttpServers.push(url);
        hosts.add(m[2].toLowerCase());
        basePaths.add((m[3] ?? '').replace(/\/$/, ''));
      } else if (url.startsWith('/')) basePaths.add(url.replace(/\/$/, ''));
    }
  }
  if (typeof doc.host === 'string') {
    hosts.add(doc.host.replace(/:\d+$/, '').toLowerCase());
    const schemes: unknown[] = Array.isArray(doc.schemes) ? doc.schemes : [];
    if (schemes.includes('http') && !/^(localhost|127\.)/.test(doc.host)) plainHttpServers.push(`http://${doc.host}${doc.basePath ?? ''}`);
  }
  if (typeof doc.basePath === 'string') basePaths.add(doc.basePath.replace(/\/$/, ''));
  if (basePaths.size === 0) basePaths.add('');
  const globalSecured = hasSecurity(doc.security);
  const schemes: Record<string, unknown> = { ...(isObj(doc.securityDefinitions) ? doc.securityDefinitions : {}), ...(isObj(doc.components) && isObj(doc.components.securitySchemes) ? doc.components.securitySchemes : {}) };
  const isApiKey = (name: string) => { const sc = schemes[name]; return isObj(sc) && sc.type === 'apiKey'; };
  const needsPrincipal = (sec: unknown): boolean =>
    Array.isArray(sec) && sec.length > 0 && sec.every((req) => isObj(req) && Object.keys(req).some((k) => !isApiKey(k)));
  const operations: SpecOperation[] = [];
  for (const [p, item] of Object.entries(doc.paths as Record<string, unknown>)) {
    if (!isObj(item) || !p.startsWith('/')) continue;
    const shared: unknown[] = Array.isArray(item.parameters) ? item.parameters : [];
    for (const m of METHODS) {
      const op = item[m];
      if (!isObj(op)) continue;
      const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])];
      const pathParams = params.filter((x) => isObj(x) && x.in === 'path' && typeof x.name === 'string').map((x: any) => x.name as string);
      for (const m2 of p.matchAll(/\{([^}]+)\}/g)) if (!pathParams.includes(m2[1])) pathParams.push(m2[1]);
      const secured = 'security' in op ? hasSecurity(op.security) : globalSecured;
      const publicByDesign = Array.isArray(op.security) && op.security.length === 0;
      const requiresPrincipal = secured && needsPrincipal('security' in op ? op.security : doc.security);
      for (const base of basePaths) {
        const full = (base + p).replace(/\/{2,}/g, '/');
        operations.push({
          method: m.toUpperCase(), path: full, shape: shapeOf(full), deprecated: op.deprecated === true, secured, requiresPrincipal, publicByDesign,
          pathParams, operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        });
      }
    }
  }
  return { title: isObj(doc.info) && typeof doc.info.title === 'string' ? doc.info.title : 'spec', hosts: [...hosts], plainHttpServers, operations };
}

/**
 * Finds the spec operation an observed endpoint template corresponds to: same method and the same shape,
 * allowing the observed template to carry an extra prefix (stage, base path) the spec does not list.
 */
export function matchOperation(spec: SpecModel, method: string, template: string): SpecOperation | null {
  const shape = shapeOf(template);
  let best: SpecOperation | null = null;
  for (const op of spec.operations) {
    if (op.method !== method) continue;
    if (op.shape === shape) return op;
    if (shape.endsWith(op.shape) && op.shape.length > 1 && shape[shape.length - op.shape.length] === '/' && shapeMayBePrefix(shape.slice(0, shape.length - op.shape.length))) {
      if (!best || op.shape.length > best.shape.length) best = op;
    }
  }
  return best;
}

/** A prefix left over from suffix matching must be a short literal prefix (stage or base path), not resource segments. */
function shapeMayBePrefix(prefix: string): boolean {
  const segs = prefix.split('/').filter(Boolean);
  return segs.length <= 2 && !segs.includes('{}');
}

/** Does the spec describe this domain? A spec without hosts applies to every domain. */
export function specAppliesTo(spec: SpecModel, domain: string): boolean {
  return spec.hosts.length === 0 || spec.hosts.includes(domain.toLowerCase());
}
