/**
 * An API's routes as a gateway would match them, and the rules that make its truth well defined:
 * which route a concrete path belongs to, and which spec routes are the same route or can never be told
 * apart from a literal sibling.
 */
import type { ParamInfo, RouteOp } from './extractTemplates.ts';

type Seg =
  | { kind: 'lit'; text: string }
  | { kind: 'param'; param: number }
  | { kind: 'mixed'; re: RegExp }
  | { kind: 'greedy'; param: number };

export interface Route {
  id: number;
  method: string;
  /** The route template, e.g. `/v1/users/{userId}/cards`. */
  template: string;
  specPath: string;
  params: ParamInfo[];
  segs: Seg[];
  /** Segment parts of the template, for building paths: literal text or a parameter index. */
  parts: Array<Array<string | number>>;
  /** Some segment mixes literal text and a parameter (`{id}.json`, `v{n}`). */
  mixed: boolean;
}

const PARAM = /\{([^{}]+)\}/g;

/** `/a/{x}` and `/a/{y}` are one route: parameter names do not matter to a gateway. */
export function routeShape(method: string, template: string): string {
  return `${method} ${template.replace(PARAM, (_, n: string) => (/[+*]$/.test(n) ? '{+}' : '{}'))}`;
}

function compile(id: number, op: RouteOp): Route {
  const segs: Seg[] = [];
  const parts: Route['parts'] = [];
  let pi = 0;
  for (const seg of op.path === '/' ? [] : op.path.split('/').slice(1)) {
    const ps: Array<string | number> = [];
    let at = 0;
    for (const m of seg.matchAll(PARAM)) {
      if (m.index! > at) ps.push(seg.slice(at, m.index));
      ps.push(pi++);
      at = m.index! + m[0].length;
    }
    if (at < seg.length) ps.push(seg.slice(at));
    parts.push(ps);
    if (ps.length === 1 && typeof ps[0] === 'string') segs.push({ kind: 'lit', text: ps[0] });
    else if (ps.length === 1) segs.push(op.params[ps[0] as number]?.greedy ? { kind: 'greedy', param: ps[0] as number } : { kind: 'param', param: ps[0] as number });
    else {
      const src = ps.map((x) => (typeof x === 'string' ? x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '[^/]+')).join('');
      segs.push({ kind: 'mixed', re: new RegExp(`^${src}$`) });
    }
  }
  return { id, method: op.method, template: op.path, specPath: op.specPath, params: op.params, segs, parts, mixed: segs.some((x) => x.kind === 'mixed') };
}

interface Node {
  lit: Map<string, Node>;
  mixed: Array<{ re: RegExp; node: Node }>;
  param: Node | null;
  greedy: Route[];
  /** Routes ending here. */
  end: Route | null;
}

const newNode = (): Node => ({ lit: new Map(), mixed: [], param: null, greedy: [], end: null });

/**
 * Routes by method in a segment trie. `best` answers as API Gateway does: a literal segment beats a
 * partly literal one, which beats a parameter, which beats a greedy parameter, left to right.
 */
export class RouteTable {
  readonly routes: Route[] = [];
  private readonly roots = new Map<string, Node>();

  constructor(ops: readonly RouteOp[]) {
    for (const op of ops) {
      const r = compile(this.routes.length, op);
      this.routes.push(r);
      let n = this.roots.get(r.method) ?? newNode();
      this.roots.set(r.method, n);
      let greedy = false;
      for (const s of r.segs) {
        if (s.kind === 'greedy') { n.greedy.push(r); greedy = true; break; }
        if (s.kind === 'lit') {
          let c = n.lit.get(s.text);
          if (!c) n.lit.set(s.text, (c = newNode()));
          n = c;
        } else if (s.kind === 'param') n = n.param ??= newNode();
        else {
          let m = n.mixed.find((x) => x.re.source === s.re.source);
          if (!m) n.mixed.push((m = { re: s.re, node: newNode() }));
          n = m.node;
        }
      }
      if (!greedy) n.end ??= r;
    }
  }

  /** The route a gateway would pick for a concrete path (segments as logged), or null. */
  best(method: string, path: string): Route | null {
    const root = this.roots.get(method);
    if (!root) return null;
    const segs = path.split('/').slice(1);
    if (path === '/') segs.length = 0;
    return walk(root, segs, 0);
  }
}

function walk(n: Node, segs: string[], i: number): Route | null {
  if (i === segs.length) return n.end ?? null;
  const s = segs[i];
  if (s === '') return null;
  const l = n.lit.get(s);
  if (l) { const r = walk(l, segs, i + 1); if (r) return r; }
  for (const m of n.mixed) if (m.re.test(s)) { const r = walk(m.node, segs, i + 1); if (r) return r; }
  if (n.param) { const r = walk(n.param, segs, i + 1); if (r) return r; }
  return n.greedy[0] ?? null;
}

/** Why spec operations were left out of an API's truth. */
export interface DedupeCounts {
  sameRoute: number;
}

/**
 * One route per gateway route: operations whose templates differ only in parameter names (`/a/{x}`,
 * `/a/{y}`) are one route, the first in spec order kept. Whether a route can be told from its literal
 * siblings is decided later, value by value (see the synthesizer): a route none of whose values would be
 * routed to it is dropped there.
 */
export function dedupeRoutes(ops: readonly RouteOp[]): { ops: RouteOp[]; counts: DedupeCounts } {
  const seen = new Set<string>();
  const out: RouteOp[] = [];
  let sameRoute = 0;
  for (const op of ops) {
    const k = routeShape(op.method, op.path);
    if (seen.has(k)) { sameRoute++; continue; }
    seen.add(k);
    out.push(op);
  }
  return { ops: out, counts: { sameRoute } };
}
