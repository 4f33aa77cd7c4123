/**
 * OpenAPI 3.x / Swagger 2 document -> the API's routes with what each path parameter is (name, schema type,
 * format, enum, pattern, example). Internal `$ref`s are resolved; external ones are left unknown.
 */

export interface ParamInfo {
  name: string;
  type?: string;
  format?: string;
  enum?: string[];
  pattern?: string;
  example?: string;
  /** `{key+}`: one parameter that spans several segments (S3-style object keys). */
  greedy?: boolean;
}

export interface RouteOp {
  method: string;
  /** The route as the gateway sees it: server base path + spec path, cleaned (see {@link cleanSpecPath}). */
  path: string;
  /** The path as written in the spec. */
  specPath: string;
  params: ParamInfo[];
}

export interface ApiRoutes {
  id: string;
  title: string;
  /** Host of the first absolute server URL (Swagger 2: `host`), or null. */
  host: string | null;
  basePath: string;
  ops: RouteOp[];
  /** Operations left out, by reason (`broken_path:<why>`). */
  dropped: Record<string, number>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

type Json = Record<string, unknown>;
const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Follows `#/a/b~1c` pointers (up to a depth, against cycles); external or broken refs give undefined. */
export function deref(doc: Json, node: unknown, depth = 0): unknown {
  if (!isObj(node) || typeof node.$ref !== 'string') return node;
  if (depth > 20) return undefined;
  const ref = node.$ref;
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    let part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    try { part = decodeURIComponent(part); } catch { /* keep as is */ }
    if (!isObj(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Json)[part];
  }
  return deref(doc, cur, depth + 1);
}

const scalarText = (x: unknown): string | undefined => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined);

/** The first concrete member of a schema: `allOf`/`oneOf`/`anyOf` and 3.1 type arrays reduced to one type. */
function flatSchema(doc: Json, s: unknown, depth = 0): Json {
  const o = deref(doc, s);
  if (!isObj(o) || depth > 5) return {};
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    const xs = o[k];
    if (Array.isArray(xs) && o.type === undefined && o.enum === undefined) {
      for (const m of xs) {
        const f = flatSchema(doc, m, depth + 1);
        if (f.type !== undefined || f.enum !== undefined || f.format !== undefined) return { ...f, ...(o.example !== undefined ? { example: o.example } : {}) };
      }
    }
  }
  const t = Array.isArray(o.type) ? o.type.find((x) => x !== 'null') : o.type;
  return { ...o, type: t };
}

function paramInfo(doc: Json, name: string, p: Json | undefined): ParamInfo {
  const info: ParamInfo = { name };
  if (!p) return info;
  // OpenAPI 3 keeps the schema apart; Swagger 2 puts type/format/enum on the parameter itself.
  const s = p.schema !== undefined ? flatSchema(doc, p.schema) : flatSchema(doc, p);
  if (typeof s.type === 'string') info.type = s.type;
  if (typeof s.format === 'string') info.format = s.format;
  if (typeof s.pattern === 'string') info.pattern = s.pattern;
  if (Array.isArray(s.enum)) {
    const e = s.enum.map(scalarText).filter((x): x is string => x !== undefined && x !== '');
    if (e.length) info.enum = [...new Set(e)];
  }
  let ex: unknown = p.example ?? p['x-example'] ?? s.example;
  if (ex === undefined && isObj(p.examples)) {
    const first = deref(doc, Object.values(p.examples)[0]);
    if (isObj(first)) ex = first.value;
  }
  const exText = scalarText(ex);
  if (exText !== undefined && exText !== '') info.example = exText;
  return info;
}

/** `{a}`, `{a+}`, `{a*}` inside a segment; the regex also spots text that only looks like a parameter. */
const PARAM = /\{([^{}]*)\}/g;

/**
 * The route the gateway would see for a spec path, or why it cannot be one: query or fragment suffixes
 * (`/{Bucket}?uploads`, `/#X-Amz-Target=...`) are dropped because they are not part of the path, trailing
 * and doubled slashes are folded, and paths with unbalanced braces, empty names, whitespace or characters
 * a gateway path cannot hold are broken.
 */
export function cleanSpecPath(p: string): { path: string } | { broken: string } {
  let s = p.trim();
  const cut = s.search(/[?#]|%3f|%23/i);
  if (cut >= 0) s = s.slice(0, cut);
  if (!s.startsWith('/')) s = '/' + s;
  s = s.replace(/\/{2,}/g, '/');
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  if (/\s/.test(s)) return { broken: 'whitespace' };
  // eslint-disable-next-line no-control-regex
  if (/[^\x21-\x7e]/.test(s)) return { broken: 'non_ascii' };
  const stripped = s.replace(PARAM, 'P');
  if (/[{}]/.test(stripped)) return { broken: 'unbalanced_braces' };
  for (const m of s.matchAll(PARAM)) {
    const name = m[1].replace(/[+*]$/, '');
    if (!name) return { broken: 'empty_param_name' };
    // RFC 6570 operators (`{+name}` in Google's specs): the value spans segments in a resource pattern
    // (`projects/*/locations/*`) that the converted spec no longer says, so no route can be built from it.
    if (/^[+#./;?&]/.test(name)) return { broken: 'rfc6570_expansion' };
  }
  // A parameter next to another in one segment (`{a}{b}`) cannot be split by anyone.
  if (/\}\{/.test(s)) return { broken: 'adjacent_params' };
  return { path: s };
}

function serverBase(doc: Json): { host: string | null; basePath: string } {
  if (typeof doc.swagger === 'string') {
    const host = typeof doc.host === 'string' ? doc.host.split(':')[0] : null;
    return { host, basePath: normBase(typeof doc.basePath === 'string' ? doc.basePath : '') };
  }
  const servers = Array.isArray(doc.servers) ? doc.servers.filter(isObj) : [];
  const first = servers.find((s) => typeof s.url === 'string');
  if (!first) return { host: null, basePath: '' };
  let url = first.url as string;
  const vars = isObj(first.variables) ? first.variables : {};
  url = url.replace(/\{([^{}]+)\}/g, (_, v: string) => {
    const d = vars[v];
    return isObj(d) ? String(d.default ?? (Array.isArray(d.enum) ? d.enum[0] : '') ?? '') : '';
  });
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/i.exec(url);
  if (m) return { host: m[1].split('@').pop()!.split(':')[0] || null, basePath: normBase(m[2]) };
  return { host: null, basePath: normBase(url.split(/[?#]/)[0]) };
}

function normBase(b: string): string {
  let s = b.trim().replace(/\/{2,}/g, '/');
  if (!s || s === '/') return '';
  if (!s.startsWith('/')) s = '/' + s;
  if (s.endsWith('/')) s = s.slice(0, -1);
  // A base path with braces left (an unresolved server variable) or odd characters is not usable as a prefix.
  return /[{}\s]|[^\x21-\x7e]/.test(s) ? '' : s;
}

/**
 * Every operation of the document as a route with its path parameters. Parameters declared at path and
 * operation level are merged (operation wins, keyed by name and `in`), refs resolved.
 *
 * @example
 * extractRoutes('xkcd.com', spec).ops[0] // { method: 'GET', path: '/{comicId}/info.0.json', params: [{ name: 'comicId', type: 'number' }] }
 */
export function extractRoutes(id: string, doc: Json): ApiRoutes {
  const info = isObj(doc.info) ? doc.info : {};
  const { host, basePath } = serverBase(doc);
  const out: ApiRoutes = { id, title: typeof info.title === 'string' ? info.title : id, host, basePath, ops: [], dropped: {} };
  const paths = isObj(doc.paths) ? doc.paths : {};
  const drop = (why: string, n = 1) => { out.dropped[why] = (out.dropped[why] ?? 0) + n; };
  for (const specPath of Object.keys(paths)) {
    const item = deref(doc, paths[specPath]);
    if (!isObj(item)) continue;
    const methods = METHODS.filter((m) => isObj(item[m]));
    if (!methods.length) continue;
    const cleaned = cleanSpecPath(specPath);
    if ('broken' in cleaned) { drop(`broken_path:${cleaned.broken}`, methods.length); continue; }
    const route = basePath + (cleaned.path === '/' && basePath ? '' : cleaned.path);
    const names = [...route.matchAll(PARAM)].map((m) => m[1]);
    for (const m of methods) {
      const op = item[m] as Json;
      const declared = new Map<string, Json>();
      for (const list of [item.parameters, op.parameters]) {
        if (!Array.isArray(list)) continue;
        for (const raw of list) {
          const p = deref(doc, raw);
          if (isObj(p) && p.in === 'path' && typeof p.name === 'string') declared.set(p.name, p);
        }
      }
      const params = names.map((n) => {
        const bare = n.replace(/[+*]$/, '');
        const pi = paramInfo(doc, bare, declared.get(n) ?? declared.get(bare));
        if (bare !== n) pi.greedy = true;
        return pi;
      });
      out.ops.push({ method: m.toUpperCase(), path: route || '/', specPath, params });
    }
  }
  return out;
}
