/**
 * Small, JSON-serialisable summaries with a fixed size, so that discovery state stays bounded whatever the
 * traffic: a k-minimum-values sketch for distinct counts, a log-scale histogram for sizes, a space-saving
 * top-N for heavy hitters.
 */

/**
 * 32-bit FNV-1a. `seed` continues a hash: `hash32(b, hash32(a)) === hash32(a + b)`, without building `a + b`.
 */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const KMV_K = 32;

/**
 * Adds a value to a KMV sketch (sorted ascending array of the k smallest hashes). Mutates and returns `sk`.
 *
 * @example
 * const sk: number[] = [];
 * kmvAdd(sk, 'ip:1.2.3.4'); kmvEstimate(sk) // 1
 */
export function kmvAdd(sk: number[], value: string, k = KMV_K): number[] {
  return kmvAddHash(sk, hash32(value), k);
}

/** {@link kmvAdd} with the value's `hash32` already computed. */
export function kmvAddHash(sk: number[], h: number, k = KMV_K): number[] {
  const n = sk.length;
  if (n >= k && h >= sk[n - 1]) return sk;
  let lo = 0, hi = n;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sk[mid] < h) lo = mid + 1; else hi = mid; }
  if (lo < n && sk[lo] === h) return sk;
  sk.splice(lo, 0, h);
  if (sk.length > k) sk.pop();
  return sk;
}

/** Exact below k values, otherwise (k-1)/kth-smallest-normalised. */
export function kmvEstimate(sk: readonly number[], k = KMV_K): number {
  if (sk.length < k) return sk.length;
  return Math.round((k - 1) / ((sk[k - 1] + 1) / 4294967296));
}

/** Log-scale histogram bucket of a size: 0 for 0 bytes, then 4 buckets per doubling. */
export function sizeBucket(bytes: number): number {
  if (bytes <= 0) return 0;
  return Math.min(160, 1 + Math.floor(Math.log2(bytes) * 4));
}

export function bucketValue(b: number): number {
  return b === 0 ? 0 : Math.round(2 ** ((b - 1) / 4));
}

/** Median of a sparse histogram `{bucket: count}`. */
export function histQuantile(hist: Record<string, number>, q: number): number {
  let total = 0;
  for (const k in hist) total += hist[k];
  if (total === 0) return 0;
  const keys = Object.keys(hist).map(Number).sort((a, b) => a - b);
  let acc = 0;
  for (const k of keys) { acc += hist[k]; if (acc >= q * total) return bucketValue(k); }
  return bucketValue(keys[keys.length - 1]);
}

/**
 * Space-saving top-N counter (`{item: count}` with at most n items): when full, the smallest entry is replaced
 * and its count inherited, so heavy hitters are never lost.
 */
export function topAdd(top: Record<string, number>, item: string, n: number, by = 1): void {
  if (item in top) { top[item] += by; return; }
  // One pass for the size and the (first) smallest entry, without a key array per call.
  let size = 0, minK = '', minV = 0;
  for (const k in top) {
    const v = top[k];
    if (size === 0 || v < minV) { minK = k; minV = v; }
    size++;
  }
  if (size < n) { top[item] = by; return; }
  const base = minV;
  delete top[minK];
  top[item] = base + by;
}
