import { splitPath } from './pathTrie.ts';

/**
 * Templates that need no inference: route templates the gateway reported (`resourcePath`), operations of an
 * imported spec and operator pins. Stored as a trie with literal edges `l` and one parameter edge `p`;
 * `t` is the template ending at the node and `m` the methods it was seen or declared with.
 */
export interface KnownNode {
  l?: Record<string, KnownNode>;
  p?: KnownNode;
  /** Partial-segment parameters (`{Sid}.json`), keyed by the pattern. */
  q?: Record<string, KnownNode>;
  t?: string;
  m?: string[];
}

export function isParamSegment(seg: string): boolean {
  return seg.length >= 2 && seg.charCodeAt(0) === 123 && seg.charCodeAt(seg.length - 1) === 125 && seg.indexOf('}') === seg.length - 1;
}

/** `{Sid}.json`, `v{version}`: a parameter inside a segment with literal text around it. */
export function isPatternSegment(seg: string): boolean {
  const a = seg.indexOf('{');
  return a >= 0 && seg.indexOf('}', a) > a && !isParamSegment(seg);
}

function matchesPattern(pattern: string, seg: string): boolean {
  const a = pattern.indexOf('{');
  const b = pattern.lastIndexOf('}');
  const pre = pattern.slice(0, a), suf = pattern.slice(b + 1);
  return seg.length > pre.length + suf.length && seg.startsWith(pre) && seg.endsWith(suf);
}

/**
 * Adds a template to the trie; returns true when it was new (for the method).
 *
 * @example
 * const root: KnownNode = {};
 * addKnownTemplate(root, '/users/{id}', 'GET');
 * matchKnown(root, ['users', '7'], 'GET') // '/users/{id}'
 */
export function addKnownTemplate(root: KnownNode, template: string, method: string): boolean {
  let node = root;
  for (const seg of splitPath(template)) {
    if (isParamSegment(seg)) node = node.p ??= {};
    else if (isPatternSegment(seg)) node = (node.q ??= {})[seg] ??= {};
    else node = (node.l ??= {})[seg] ??= {};
  }
  let fresh = false;
  if (node.t === undefined) { node.t = template; fresh = true; }
  const ms = (node.m ??= []);
  if (!ms.includes(method)) { ms.push(method); fresh = true; }
  return fresh;
}

/**
 * The template matching `segs`, literals first, backtracking to the parameter edge. When no template declares
 * `method`, a template with another method on the same path still identifies the route.
 */
export function matchKnown(root: KnownNode, segs: readonly string[], method: string): string | null {
  const found: MatchState = { any: null };
  return walkKnown(root, segs, 0, method, found) ?? found.any;
}

interface MatchState { any: string | null }

function walkKnown(node: KnownNode, segs: readonly string[], i: number, method: string, st: MatchState): string | null {
  if (i === segs.length) {
    if (node.t === undefined) return null;
    if (node.m && (node.m.includes(method) || node.m.includes('ANY'))) return node.t;
    st.any ??= node.t;
    return null;
  }
  const seg = segs[i];
  const lit = node.l?.[seg];
  if (lit) { const r = walkKnown(lit, segs, i + 1, method, st); if (r) return r; }
  if (node.q) for (const pat in node.q) if (matchesPattern(pat, seg)) { const r = walkKnown(node.q[pat], segs, i + 1, method, st); if (r) return r; }
  if (node.p && seg !== '') { const r = walkKnown(node.p, segs, i + 1, method, st); if (r) return r; }
  return null;
}

/**
 * Aligns a gateway route template with the request path. On custom domains `resourcePath` may lack the base-path
 * segments the path carries (`/v3/companies` for `/v1/v3/companies`): the missing leading segments are literals.
 * Returns null when the two disagree.
 */
export function alignResourcePath(pathSegs: readonly string[], resourcePath: string): string | null {
  const rp = splitPath(resourcePath);
  if (rp.length > pathSegs.length) return null;
  const off = pathSegs.length - rp.length;
  for (let i = 0; i < rp.length; i++) {
    if (!isParamSegment(rp[i]) && !isPatternSegment(rp[i]) && rp[i] !== pathSegs[off + i]) return null;
  }
  if (off === 0) return resourcePath;
  return '/' + pathSegs.slice(0, off).join('/') + (resourcePath === '/' ? '' : resourcePath);
}
