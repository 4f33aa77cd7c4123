import type { AccessEvent } from '../normalize/types.ts';
import type { Severity } from '../emit/rows.ts';
import { SEVERITY_ORDER } from '../emit/rows.ts';
import { parseMaskToken } from '../sensitive/maskPath.ts';

export const isAuthenticated = (ev: AccessEvent): boolean => ev.principalId !== null || ev.apiKeyId !== null;
/** A run of 11+ digits: phone, card and ID numbers (and ids that look like them). */
export const LONG_DIGITS = /\d{11}/;
export const is2xx = (s: number): boolean => s >= 200 && s < 300;
export const is5xx = (s: number): boolean => s >= 500 && s < 600;

/** Who made the request: the principal, else the API key, else the IP. */
export function callerOf(ev: AccessEvent): string {
  return ev.principalId ? `principal:${ev.principalId}` : ev.apiKeyId ? `api_key:${ev.apiKeyId}` : `ip:${ev.ip}`;
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER[a] >= SEVERITY_ORDER[b] ? a : b;
}

/** Nearest-rank percentile of a numeric array (sorts a copy). */
export function percentile(values: readonly number[], p: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const k = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  // Checks take one per endpoint and window: mostly of a handful of values, where a typed array's sort costs
  // ~0.8 us (it copies out and back) and an insertion sort a tenth; a domain's thousands of caller counts
  // need only the k-th value, not an order (selection: linear instead of n log n).
  // NaN (no check produces one): the typed sort's placement of it, as before.
  for (let i = 0; i < n; i++) if (values[i] !== values[i]) return new Float64Array(values).sort()[k];
  return n <= 32 ? insertionSorted(values)[k] : select(new Float64Array(values), k);
}

function insertionSorted(values: readonly number[]): number[] {
  const s = values.slice();
  for (let i = 1; i < s.length; i++) {
    const v = s[i];
    let j = i - 1;
    while (j >= 0 && s[j] > v) { s[j + 1] = s[j]; j--; }
    s[j + 1] = v;
  }
  return s;
}

/** The k-th smallest value (0-based) of `s`, which it reorders (Hoare's selection with a middle pivot). */
function select(s: Float64Array, k: number): number {
  let lo = 0, hi = s.length - 1;
  while (lo < hi) {
    const pivot = s[(lo + hi) >>> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (s[i] < pivot) i++;
      while (s[j] > pivot) j--;
      if (i <= j) { const t = s[i]; s[i] = s[j]; s[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return s[k];
  }
  return s[k];
}

/** Adds `v` to a small list of distinct samples, keeping at most `cap`. */
export function addSample<T>(list: T[], v: T, cap: number): void {
  if (list.length < cap && !list.includes(v)) list.push(v);
}

/**
 * Keeps a record-of-entries bounded: when it holds more than `cap` keys, drops the ones with the smallest
 * `age(entry)` (least recently seen) down to 90% of `cap`, so that pruning (a sort) happens rarely.
 * Deterministic (ties broken by key).
 */
export function capRecord<T>(rec: Record<string, T>, cap: number, age: (v: T) => number): void {
  let n = 0;
  for (const _ in rec) if (++n > cap) break;
  if (n <= cap) return;
  const keys = Object.keys(rec);
  keys.sort((a, b) => age(rec[a]) - age(rec[b]) || (a < b ? -1 : 1));
  const drop = keys.length - Math.floor(cap * 0.9);
  for (let i = 0; i < drop; i++) delete rec[keys[i]];
}

export const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** First `n` characters, with an ellipsis when cut. */
export const truncate = (s: string, n: number): string => (s.length > n ? s.slice(0, n) + '…' : s);

/** State is pruned once per hour of event time (deterministic, and cheap): bounded by the cap plus one hour of growth. */
export const pruneDue = (win: { windowStart: number }): boolean => win.windowStart % 3_600_000 === 0;

/** 32-bit FNV-1a as 8 hex characters: enough to count distinct values without storing them. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Memoises a pure function of a string (template classification); the cache is dropped when it grows past `cap`. */
export function memo<T>(fn: (s: string) => T, cap = 50_000): (s: string) => T {
  let cache = new Map<string, T>();
  return (s: string) => {
    let v = cache.get(s);
    if (v === undefined && !cache.has(s)) {
      v = fn(s);
      if (cache.size >= cap) cache = new Map();
      cache.set(s, v);
    }
    return v as T;
  };
}

const NO_KINDS: readonly string[] = [];

/** A masked path repeats from request to request (one customer's card, one order): parsed once per path. */
const pathKinds = memo((path: string): readonly string[] => {
  const out: string[] = [];
  for (const seg of path.split('/')) { const m = seg.charCodeAt(0) === 42 ? parseMaskToken(seg) : null; if (m && !out.includes(m.kind)) out.push(m.kind); }
  return out.length ? out : NO_KINDS;
});

/** Kinds of the masked sensitive tokens (`*kind:display#hash`) in a request's path segments and query values. */
export function maskedKinds(ev: AccessEvent): readonly string[] {
  const fromPath = ev.path.includes('*') ? pathKinds(ev.path) : NO_KINDS;
  if (!ev.query.includes('*')) return fromPath;
  const out = [...fromPath];
  for (const part of ev.query.split('&')) {
    const eq = part.indexOf('=');
    const m = eq > 0 && part.charCodeAt(eq + 1) === 42 ? parseMaskToken(part.slice(eq + 1)) : null;
    if (m && !out.includes(m.kind)) out.push(m.kind);
  }
  return out;
}
