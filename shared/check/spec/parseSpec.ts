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
  return { title: isObj(doc.info) && typeof doc.info.title === 'string' ? doc.info.title : 'spec', hosts: [...hosts], securityKnown: true, plainHttpServers, operations };
}

/**
 * Accepts discovery's imported inventory (`parseOpenApiSpec` from shared/discover: title, hosts, operations with
 * full templates, no security section). Inventory checks (shadow, zombie, deprecated) work from it; the security
 * posture checks need the document itself.
 */
export function fromImportedInventory(v: unknown): SpecModel | null {
  if (!isObj(v) || !Array.isArray(v.operations) || !Array.isArray(v.hosts)) return null;
  const operations: SpecOperation[] = [];
  for (const o of v.operations as unknown[]) {
    if (!isObj(o) || typeof o.method !== 'string' || typeof o.template !== 'string') continue;
    operations.push({
      method: o.method.toUpperCase(), path: o.template, shape: shapeOf(o.template), deprecated: o.deprecated === true, secured: false,
      requiresPrincipal: false, publicByDesign: false, pathParams: [...o.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
      operationId: typeof o.operationId === 'string' ? o.operationId : undefined,
    });
  }
  return { title: typeof v.title === 'string' ? v.title : 'spec', hosts: (v.hosts as unknown[]).filter((h): h is string => typeof h === 'string').map((h) => h.toLowerCase()), securityKnown: false, plainHttpServers: [], operations };
}

const matchCache = new WeakMap<SpecModel, Map<string, SpecOperation | null>>();
const segCache = new WeakMap<SpecOperation, string[]>();

/**
 * Finds the spec operation an observed endpoint template corresponds to: same method, same number of segments
 * (the observed template may carry an extra literal prefix such as a stage or base path), each segment equal or
 * a placeholder on either side (`/apps/{id}` documents an observed `/apps/storage-worker`; an observed `{api_id}`
 * where the spec says `3` still matches). Exact shapes win, then the candidate with most equal literals.
 * Memoised per spec.
 */
export function matchOperation(spec: SpecModel, method: string, template: string): SpecOperation | null {
  let cache = matchCache.get(spec);
  if (!cache) matchCache.set(spec, (cache = new Map()));
  const key = `${method} ${template}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const shape = shapeOf(template);
  const obs = shape.split('/');
  let best: SpecOperation | null = null, bestScore = -1;
  for (const op of spec.operations) {
    if (op.method !== method) continue;
    if (op.shape === shape) { best = op; break; }
    let segs = segCache.get(op);
    if (!segs) segCache.set(op, (segs = op.shape.split('/')));
    const extra = obs.length - segs.length;
    if (extra < 0 || extra > 2) continue;
    let ok = true, score = 0;
    for (let i = 1; i <= extra; i++) if (obs[i] === '{}') { ok = false; break; }
    for (let i = 1; ok && i < segs.length; i++) {
      const a = segs[i], b = obs[i + extra];
      if (a === b) score += a === '{}' ? 1 : 2;
      else if (a !== '{}' && b !== '{}') ok = false;
    }
    if (ok && (score - extra > bestScore)) { best = op; bestScore = score - extra; }
  }
  if (cache.size > 50_000) cache.clear();
  cache.set(key, best);
  return best;
}

/** The first operation matching across several specs (all specs that describe one domain). */
export function matchInSpecs(specs: readonly SpecModel[], method: string, template: string): SpecOperation | null {
  for (const spec of specs) { const op = matchOperation(spec, method, template); if (op) return op; }
  return null;
}
