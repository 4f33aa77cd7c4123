import { RE2JS } from 're2js';
import type { Condition, FieldCondition, Scalar } from './types.ts';
import { readField, type RuleSubject } from './fields.ts';

export type Predicate = (s: RuleSubject) => boolean;

/** Longest pattern accepted; RE2 matching is linear in the input, this bounds the automaton size. */
export const MAX_REGEX_LENGTH = 1000;

/** Compiles a pattern with re2js; throws a readable message when it is not valid RE2. */
export function compileRegex(pattern: string, ignoreCase = false): RE2JS {
  if (pattern.length > MAX_REGEX_LENGTH) throw new Error(`pattern is longer than ${MAX_REGEX_LENGTH} characters`);
  try {
    return RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    throw new Error(`pattern is not valid RE2 (no backreferences or lookaround): ${(e as Error).message}`);
  }
}

const str = (v: unknown, ic: boolean): string => (ic ? String(v).toLowerCase() : String(v));
const same = (a: unknown, b: Scalar, ic: boolean): boolean => (a === null || b === null ? a === b : str(a, ic) === str(b, ic));

function leaf(c: FieldCondition): Predicate {
  const ic = c.ignoreCase === true;
  const f = c.field;
  let test: (v: unknown) => boolean;
  if (c.exists !== undefined) {
    const want = c.exists;
    return (s) => { const v = readField(s, f); const has = v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0); return has === want; };
  } else if (c.equals !== undefined) { const b = c.equals; test = (v) => same(v, b, ic); }
  else if (c.in !== undefined) { const bs = c.in; test = (v) => bs.some((b) => same(v, b, ic)); }
  else if (c.prefix !== undefined) { const p = str(c.prefix, ic); test = (v) => v !== null && str(v, ic).startsWith(p); }
  else if (c.contains !== undefined) { const p = str(c.contains, ic); test = (v) => v !== null && str(v, ic).includes(p); }
  else if (c.regex !== undefined) { const re = compileRegex(c.regex, ic); test = (v) => v !== null && re.test(String(v)); }
  else {
    const [op, n] = (['gt', 'gte', 'lt', 'lte'] as const).map((k) => [k, c[k]] as const).find(([, x]) => x !== undefined)!;
    const cmp = { gt: (x: number) => x > n!, gte: (x: number) => x >= n!, lt: (x: number) => x < n!, lte: (x: number) => x <= n! }[op];
    test = (v) => v !== null && v !== '' && typeof v !== 'boolean' && Number.isFinite(Number(v)) && cmp(Number(v));
  }
  return (s) => {
    const v = readField(s, f);
    return Array.isArray(v) ? v.some(test) : test(v ?? null);
  };
}

/** Turns a validated condition tree into a predicate. Rules only describe matches; they can run no code. */
export function compileCondition(c: Condition): Predicate {
  if ('all' in c) { const ps = c.all.map(compileCondition); return (s) => ps.every((p) => p(s)); }
  if ('any' in c) { const ps = c.any.map(compileCondition); return (s) => ps.some((p) => p(s)); }
  if ('not' in c) { const p = compileCondition(c.not); return (s) => !p(s); }
  return leaf(c);
}
