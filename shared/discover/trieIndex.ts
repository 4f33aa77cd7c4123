import { FOLDED, type TrieNode } from './pathTrie.ts';
import { valueShape, type ValueShape } from './valueShape.ts';

/**
 * A node's children as inference walks them: in `for...in` order (array-index keys ascending, then the other
 * keys in insertion order), with each segment's shape and the number of identifier-shaped children.
 */
export interface ChildList {
  segs: string[];
  nodes: TrieNode[];
  shapes: ValueShape[];
  /** Leading entries whose key is an array index (`for...in` lists those first, in numeric order), as numbers. */
  indexKeys: number[];
  /** Children marked identifier-shaped (`s`). */
  strong: number;
  /** `node.k` when the list was made: a node only ever gains children, so equal counts mean equal lists. */
  k: number;
}

/**
 * Runtime index over one trie, kept beside the persisted JSON: walking a node's children through `for...in`
 * turns every numeric key into a new string and looks the child up again, which made up most of an inference
 * over id-heavy tries. Lists are built on first use and kept in step by {@link insertPath} (through
 * {@link TrieIndex.added}); a list whose count disagrees with the node's `k` is rebuilt.
 *
 * @example
 * const index = new TrieIndex();
 * insertPath(root, ['users', '42'], true, index);
 * index.children(root)?.segs // ['users']
 */
export class TrieIndex {
  private lists = new WeakMap<TrieNode, ChildList>();

  /** The children of `node` (null without any). */
  children(node: TrieNode): ChildList | null {
    const c = node.c;
    if (!c) return null;
    let list = this.lists.get(node);
    if (list !== undefined && node.k !== undefined && list.k === node.k) return list;
    list = { segs: [], nodes: [], shapes: [], indexKeys: [], strong: 0, k: node.k ?? -1 };
    for (const seg in c) {
      const child = c[seg];
      list.segs.push(seg);
      list.nodes.push(child);
      list.shapes.push(shapeOf(seg));
      if (isArrayIndex(seg)) list.indexKeys.push(+seg);
      if (child.s === 1) list.strong++;
    }
    if (node.k !== undefined) this.lists.set(node, list);
    return list;
  }

  /** `insertPath` created `child` under `parent` (whose `k` already counts it). */
  added(parent: TrieNode, seg: string, child: TrieNode): void {
    const list = this.lists.get(parent);
    if (list === undefined) return;
    // Not in step with the node before this child: drop it, the next use rebuilds it.
    if (parent.k === undefined || list.k !== parent.k - 1) { this.lists.delete(parent); return; }
    let at = list.segs.length;
    if (isArrayIndex(seg)) {
      const v = +seg;
      const keys = list.indexKeys;
      let lo = 0, hi = keys.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (keys[mid] < v) lo = mid + 1; else hi = mid; }
      at = lo;
      keys.splice(at, 0, v);
    }
    if (at === list.segs.length) {
      list.segs.push(seg);
      list.nodes.push(child);
      list.shapes.push(shapeOf(seg));
    } else {
      list.segs.splice(at, 0, seg);
      list.nodes.splice(at, 0, child);
      list.shapes.splice(at, 0, shapeOf(seg));
    }
    if (child.s === 1) list.strong++;
    list.k = parent.k;
  }
}

const shapeOf = (seg: string): ValueShape => (seg === FOLDED ? 'token' : valueShape(seg));

/** Keys that objects keep as array indices: canonical decimal integers below 2^32 - 1. */
export function isArrayIndex(seg: string): boolean {
  const n = seg.length;
  if (n === 0 || n > 10) return false;
  const c0 = seg.charCodeAt(0);
  if (c0 < 48 || c0 > 57 || (c0 === 48 && n > 1)) return false;
  for (let i = 1; i < n; i++) { const c = seg.charCodeAt(i); if (c < 48 || c > 57) return false; }
  return n < 10 || +seg <= 4294967294;
}
