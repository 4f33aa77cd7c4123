import { describe, expect, it } from 'vitest';
import { inferTemplates, storeTree } from '../../shared/discover/inferTemplates.ts';
import { PathCache } from '../../shared/discover/pathCache.ts';
import { FOLDED, insertPath, MAX_CHILDREN, newTrieNode, recountPath, splitPath, type TrieNode } from '../../shared/discover/pathTrie.ts';
import { hash32, topAdd } from '../../shared/discover/sketches.ts';
import { isArrayIndex, TrieIndex } from '../../shared/discover/trieIndex.ts';
import { valueShape } from '../../shared/discover/valueShape.ts';

/** Deterministic pseudo-random numbers (xorshift), so that failures reproduce. */
function rng(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 4294967296; };
}

const SEGMENTS = ['users', 'orders', '0', '7', '007', '42', '4294967294', '4294967295', '99999999999', 'v1', 'me', 'ord_8d545746e1eff3', '20240101', '-1', '1e3'];

function randomPath(next: () => number): string[] {
  const n = 1 + Math.floor(next() * 4);
  const segs: string[] = [];
  for (let i = 0; i < n; i++) segs.push(next() < 0.5 ? String(Math.floor(next() * 5000)) : SEGMENTS[Math.floor(next() * SEGMENTS.length)]);
  return segs;
}

function forInOrder(node: TrieNode): string[] {
  const out: string[] = [];
  for (const k in node.c) out.push(k);
  return out;
}

describe('TrieIndex', () => {
  it('lists children in for...in order while insertPath adds them', () => {
    const next = rng(7);
    const root = newTrieNode();
    const index = new TrieIndex();
    const inner: TrieNode[] = [];
    for (let i = 0; i < 3000; i++) {
      insertPath(root, randomPath(next), true, index);
      // Build lists early for some nodes, so that later insertions go through `added`.
      if (i % 97 === 0) for (const n of [root, ...inner]) index.children(n);
      if (i % 500 === 0) { inner.length = 0; const walk = (n: TrieNode) => { if (n.c) { inner.push(n); for (const k in n.c) walk(n.c[k]); } }; walk(root); }
    }
    const check = (n: TrieNode) => {
      if (!n.c) return;
      const list = index.children(n)!;
      expect(list.segs).toEqual(forInOrder(n));
      expect(list.nodes).toEqual(list.segs.map((s) => n.c![s]));
      expect(list.strong).toBe(list.nodes.filter((c) => c.s === 1).length);
      for (const k in n.c) check(n.c[k]);
    };
    check(root);
  });

  it('recognises array-index keys as objects do', () => {
    for (const k of ['0', '7', '42', '007', '-1', '1e3', '4294967294', '4294967295', '99999999999', FOLDED, 'x']) {
      const o: Record<string, number> = { z: 1 };
      o[k] = 2;
      expect(isArrayIndex(k), k).toBe(Object.keys(o)[0] === k && k !== 'z');
    }
  });
});

describe('recountPath', () => {
  it('leaves the trie as inserting the same path again would, also through folded children', () => {
    const next = rng(23);
    const plain = newTrieNode(), fast = newTrieNode();
    const chains = new Map<string, TrieNode[]>();
    // Enough distinct ids under one node that it folds (MAX_CHILDREN), and repeats of each path.
    const pool: string[][] = [];
    for (let i = 0; i < MAX_CHILDREN + 300; i++) pool.push(['accounts', String(100000 + i), next() < 0.5 ? 'cards' : 'limits']);
    let created = 0;
    for (let i = 0; i < 6000; i++) {
      const segs = next() < 0.7 ? pool[Math.floor(next() * pool.length)] : randomPath(next);
      const routed = next() < 0.8;
      created += insertPath(plain, segs, routed);
      const key = segs.join('/');
      const chain = chains.get(key);
      if (chain) recountPath(chain, routed);
      else { const nodes: TrieNode[] = []; insertPath(fast, segs, routed, undefined, nodes); chains.set(key, nodes); expect(nodes.length).toBe(segs.length + 1); }
    }
    expect(plain.c!.accounts.c![FOLDED]).toBeDefined();
    expect(JSON.stringify(fast)).toBe(JSON.stringify(plain));
    // insertPath's answer is the number of nodes it made: over all insertions, every node but the root.
    const nodes = (n: TrieNode): number => 1 + Object.values(n.c ?? {}).reduce((s, c) => s + nodes(c), 0);
    expect(created).toBe(nodes(plain) - 1);
  });
});

describe('inferTemplates with a kept index', () => {
  it('gives the same decisions as a fresh walk of the trie', () => {
    const next = rng(11);
    const root = newTrieNode();
    const kept = new TrieIndex();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 800; i++) {
        const segs = next() < 0.5 ? ['merchants', String(1000 + Math.floor(next() * 50)), 'orders', String(700000 + Math.floor(next() * 1e5))] : randomPath(next);
        insertPath(root, segs, next() < 0.9, kept);
      }
      const a = inferTemplates(root, {}, kept);
      const b = inferTemplates(root, {});
      expect(storeTree(a.tree)).toEqual(storeTree(b.tree));
      expect([...a.wordParamKeys]).toEqual([...b.wordParamKeys]);
    }
  });
});

describe('PathCache', () => {
  it('answers per method and path and forgets everything when full', () => {
    const cache = new PathCache<string>(3);
    expect(cache.set('GET', '/a', 'A')).toBe(false);
    expect(cache.get('GET', '/a')).toBe('A');
    expect(cache.get('POST', '/a')).toBeUndefined();
    cache.set('GET', '/b', 'B');
    cache.set('GET', '/c', 'C');
    expect(cache.set('GET', '/d', 'D')).toBe(true);
    expect(cache.get('GET', '/a')).toBeUndefined();
    expect(cache.get('GET', '/d')).toBe('D');
    cache.clear();
    expect(cache.get('GET', '/d')).toBeUndefined();
  });
});

describe('sketch helpers', () => {
  it('hash32 continues a hash from a seed', () => {
    expect(hash32('1.2.3.4', hash32('ip:'))).toBe(hash32('ip:1.2.3.4'));
    expect(hash32('', hash32('p:'))).toBe(hash32('p:'));
  });

  it('topAdd replaces the first smallest entry, as a sort over Object.keys would', () => {
    const reference = (top: Record<string, number>, item: string, n: number, by = 1) => {
      if (item in top) { top[item] += by; return; }
      const keys = Object.keys(top);
      if (keys.length < n) { top[item] = by; return; }
      let minK = keys[0];
      for (const k of keys) if (top[k] < top[minK]) minK = k;
      const base = top[minK];
      delete top[minK];
      top[item] = base + by;
    };
    const next = rng(3);
    const a: Record<string, number> = {};
    const b: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) {
      const item = next() < 0.3 ? String(Math.floor(next() * 30)) : `10.0.0.${Math.floor(next() * 40)}`;
      topAdd(a, item, 10);
      reference(b, item, 10);
    }
    expect(Object.entries(a)).toEqual(Object.entries(b));
  });
});

describe('valueShape', () => {
  it.each([['12345', 'integer'], ['0012', 'integer'], ['20240101', 'date'], ['99999999', 'integer'], ['7', 'integer']])('%s is %s', (seg, shape) => {
    expect(valueShape(seg)).toBe(shape);
  });

  it('splits paths as before', () => {
    expect(splitPath('/a/b/')).toEqual(['a', 'b']);
  });
});
