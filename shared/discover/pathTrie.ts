import type { TrieIndex } from './trieIndex.ts';
import { isStrongShape, valueShape } from './valueShape.ts';

/**
 * One node of a domain's observed-path trie (masked paths of requests without a usable `resourcePath`).
 * Short keys because the trie is persisted with the state: `c` children, `h` requests through the node,
 * `g` of them answered by a route (not 403/404), `k` number of children.
 */
export interface TrieNode {
  c?: Record<string, TrieNode>;
  h: number;
  g: number;
  k?: number;
  /** Identifier-shaped segment (set at creation). */
  s?: 1;
  /** Children are values even when word-shaped (set by inference): they fold too. */
  w?: 1;
}

/** Children beyond this number are folded: further identifier-shaped values share one wildcard child. */
export const MAX_CHILDREN = 1500;
/** The key of the folded child that stands for "any identifier". */
export const FOLDED = '\u0001';

export function newTrieNode(): TrieNode {
  return { h: 0, g: 0 };
}

/** Splits `/a/b/` into `['a', 'b']`; empty segments other than a trailing slash are kept. */
export function splitPath(path: string): string[] {
  const segs = path.split('/');
  segs.shift();
  if (segs.length > 0 && segs[segs.length - 1] === '') segs.pop();
  return segs;
}

/**
 * Adds one request to the trie; returns how many nodes it created (0 when the path was already known).
 * `index`, when the caller keeps one over this trie, is told about the new nodes; `nodes`, when given, receives
 * the nodes the request went through (root first), for {@link recountPath}.
 *
 * @example
 * const root = newTrieNode();
 * insertPath(root, ['users', '42'], true); // 2
 */
export function insertPath(root: TrieNode, segs: readonly string[], routed: boolean, index?: TrieIndex, nodes?: TrieNode[]): number {
  let node = root;
  let created = 0;
  node.h++;
  if (routed) node.g++;
  nodes?.push(node);
  for (let i = 0; i < segs.length; i++) {
    let seg = segs[i];
    const c = (node.c ??= {});
    let child = c[seg];
    if (!child) {
      if ((node.k ?? 0) >= MAX_CHILDREN && (node.w === 1 || isStrongShape(valueShape(seg)))) {
        seg = FOLDED;
        child = c[seg];
      }
      if (!child) {
        child = c[seg] = newTrieNode();
        if (seg === FOLDED || isStrongShape(valueShape(seg))) child.s = 1;
        node.k = (node.k ?? 0) + 1;
        created++;
        index?.added(node, seg, child);
      }
    }
    child.h++;
    if (routed) child.g++;
    nodes?.push(child);
    node = child;
  }
  return created;
}

/**
 * Adds one more request along a path inserted before, given the nodes that `insertPath` collected for it:
 * what inserting the same segments again would do, without a look-up per segment. Valid while no node on
 * the way was removed (nothing removes trie nodes while a window's requests are added).
 */
export function recountPath(nodes: readonly TrieNode[], routed: boolean): void {
  for (let i = 0; i < nodes.length; i++) {
    nodes[i].h++;
    if (routed) nodes[i].g++;
  }
}
