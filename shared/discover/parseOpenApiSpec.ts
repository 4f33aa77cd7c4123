import { parse as parseYaml } from 'yaml';
import { SpecImportError } from './errors.ts';

export interface SpecOperation {
  method: string;
  /** Full path template, base path of the first server (or Swagger `basePath`) included. */
  template: string;
  deprecated: boolean;
  operationId?: string;
}

/** The operations of an imported OpenAPI 3.x or Swagger 2 description. */
export interface ImportedSpec {
  title: string;
  /** Host names the description declares (may be empty). */
  hosts: string[];
  /** Base path prepended to every template ('' when none). */
  basePath: string;
  operations: SpecOperation[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Reads an OpenAPI 3.x or Swagger 2 description, JSON or YAML. Server URLs (`servers[0].url`, with `{vars}`
 * replaced by their defaults) and Swagger `basePath` become the base path of every operation.
 *
 * @example
 * const spec = parseOpenApiSpec(readFileSync('openapi.yaml', 'utf8'));
 * createDiscoveryAnalysis({ spec });
 */
export function parseOpenApiSpec(text: string): ImportedSpec {
  let doc: unknown;
  const t = text.trimStart();
  try {
    doc = t.startsWith('{') ? JSON.parse(t) : parseYaml(text);
  } catch (e) {
    throw new SpecImportError(`the spec is neither JSON nor YAML: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SpecImportError('the spec is not an object');
  const d = doc as Record<string, unknown>;
  const isOas3 = typeof d.openapi === 'string' && d.openapi.startsWith('3.');
  const isSwagger2 = d.swagger === '2.0' || d.swagger === 2;
  if (!isOas3 && !isSwagger2) throw new SpecImportError('unsupported spec: expected "openapi: 3.x" or "swagger: 2.0" at the top level');
  const paths = d.paths;
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) throw new SpecImportError('the spec has no "paths" object');
  const hosts: string[] = [];
  let basePath = '';
  if (isOas3) {
    const servers = Array.isArray(d.servers) ? (d.servers as Array<Record<string, unknown>>) : [];
    for (const [i, s] of servers.entries()) {
      if (typeof s?.url !== 'string') continue;
      const url = substituteVariables(s.url, s.variables);
      const { host, path } = splitUrl(url);
      if (host && !hosts.includes(host)) hosts.push(host);
      if (i === 0) basePath = path;
    }
  } else {
    if (typeof d.host === 'string') hosts.push(d.host.replace(/:\d+$/, ''));
    if (typeof d.basePath === 'string') basePath = d.basePath;
  }
  basePath = basePath.replace(/\/+$/, '');
  if (basePath && !basePath.startsWith('/')) basePath = '/' + basePath;
  const operations: SpecOperation[] = [];
  for (const [p, item] of Object.entries(paths as Record<string, unknown>)) {
    if (!p.startsWith('/') || typeof item !== 'object' || item === null) continue;
    const template = (basePath + p).replace(/\/+$/, '') || '/';
    for (const m of METHODS) {
      const op = (item as Record<string, unknown>)[m];
      if (typeof op !== 'object' || op === null) continue;
      const o = op as Record<string, unknown>;
      operations.push({
        method: m.toUpperCase(),
        template,
        deprecated: o.deprecated === true,
        ...(typeof o.operationId === 'string' ? { operationId: o.operationId } : {}),
      });
    }
  }
  if (operations.length === 0) throw new SpecImportError('the spec declares no operations under "paths"');
  const info = (d.info ?? {}) as Record<string, unknown>;
  return { title: typeof info.title === 'string' ? info.title : 'imported API', hosts, basePath, operations };
}

function substituteVariables(url: string, vars: unknown): string {
  if (typeof vars !== 'object' || vars === null) return url;
  return url.replace(/\{([^}]+)\}/g, (all, name: string) => {
    const v = (vars as Record<string, { default?: unknown }>)[name];
    return v && typeof v.default === 'string' ? v.default : all;
  });
}

function splitUrl(url: string): { host: string; path: string } {
  const m = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^/]*)(\/.*)?$/i.exec(url);
  if (m) return { host: m[1].replace(/:\d+$/, ''), path: m[2] ?? '' };
  return { host: '', path: url.startsWith('/') ? url : '' };
}
