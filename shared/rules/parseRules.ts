import { z } from 'zod';
import YAML from 'yaml';
import type { Condition, CustomRule } from './types.ts';
import { RuleValidationError, type RuleProblem } from './errors.ts';
import { ALL_FIELDS, isKnownField } from './fields.ts';
import { compileRegex } from './compileCondition.ts';
import { parseDuration } from './parseDuration.ts';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const OPERATORS = ['equals', 'in', 'prefix', 'contains', 'regex', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;

const fieldCondition = z.object({
  field: z.string().min(1),
  equals: scalar.optional(),
  in: z.array(scalar).min(1).max(1000).optional(),
  prefix: z.string().optional(),
  contains: z.string().optional(),
  regex: z.string().optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  exists: z.boolean().optional(),
  ignoreCase: z.boolean().optional(),
}).strict();

const ruleShape = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'use 1-64 lower-case letters, digits, "-", "_" or "."'),
  title: z.string().min(1).max(200),
  severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
  owasp: z.string().regex(/^(API([1-9]|10):2023|custom)$/, 'use an OWASP API Top 10 2023 item like "API4:2023", or "custom"').default('custom'),
  fix: z.string().min(1).max(2000),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().optional(),
  when: z.unknown(),
  threshold: z.object({
    count: z.number().int().min(1).max(1_000_000),
    within: z.string(),
    groupBy: z.string().optional(),
  }).strict().optional(),
}).strict();

const fileShape = z.object({ version: z.literal(1).optional(), rules: z.array(z.unknown()).max(500) }).strict();

const MAX_DEPTH = 8;

/** A zod issue as a problem: the field it concerns, in words ("required", "unknown key"). */
function zodProblem(i: z.core.$ZodIssue, base: string, add: (field: string, msg: string) => void): void {
  const join = (p: ReadonlyArray<PropertyKey>) => (base ? (p.length ? `${base}.${fmt(p)}` : base) : fmt(p));
  if (i.code === 'unrecognized_keys') { for (const k of i.keys) add(join([...i.path, k]), 'unknown key'); return; }
  if (i.code === 'invalid_type' && /received undefined/.test(i.message)) { add(join(i.path), 'required'); return; }
  add(join(i.path), i.message);
}

const fmt = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');

function checkCondition(v: unknown, path: string, depth: number, add: (field: string, msg: string) => void): void {
  if (depth > MAX_DEPTH) { add(path, `conditions nest deeper than ${MAX_DEPTH} levels`); return; }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) { add(path, 'expected a condition object ({field, <operator>} or all / any / not)'); return; }
  const o = v as Record<string, unknown>;
  const groups = ['all', 'any', 'not'].filter((k) => k in o);
  if (groups.length > 0) {
    if (groups.length > 1 || Object.keys(o).length > 1) { add(path, `a group holds exactly one of all / any / not and nothing else (found: ${Object.keys(o).join(', ')})`); return; }
    const g = groups[0];
    if (g === 'not') { checkCondition(o.not, `${path}.not`, depth + 1, add); return; }
    const list = o[g];
    if (!Array.isArray(list) || list.length === 0) { add(`${path}.${g}`, 'expected a non-empty list of conditions'); return; }
    list.forEach((c, i) => checkCondition(c, `${path}.${g}[${i}]`, depth + 1, add));
    return;
  }
  const r = fieldCondition.safeParse(o);
  if (!r.success) { for (const i of r.error.issues) zodProblem(i, path, add); return; }
  const c = r.data;
  const ops = OPERATORS.filter((k) => c[k] !== undefined);
  if (ops.length !== 1) add(path, ops.length === 0 ? `needs one operator: ${OPERATORS.join(', ')}` : `has several operators (${ops.join(', ')}); combine them with all`);
  if (!isKnownField(c.field)) add(`${path}.field`, `unknown field "${c.field}"; known: ${ALL_FIELDS.join(', ')}`);
  if (c.regex !== undefined) { try { compileRegex(c.regex, c.ignoreCase); } catch (e) { add(`${path}.regex`, (e as Error).message); } }
}

/**
 * Parses and validates a custom rules file (YAML or JSON). Every problem is collected and thrown together in a
 * `RuleValidationError` naming the rule and the field. Regexes are compiled with re2js (linear time).
 *
 * @example
 * const rules = parseRules(`
 * rules:
 *   - id: export-without-key
 *     title: Export called without an API key
 *     severity: high
 *     owasp: API2:2023
 *     fix: Require an API key on the export route.
 *     when:
 *       all:
 *         - { field: template, regex: '/exports?(/|$)' }
 *         - { field: apiKeyId, exists: false }
 *     threshold: { count: 20, within: 10m, groupBy: ip }
 * `, 'rules.yaml');
 */
export function parseRules(text: string, sourceName: string): CustomRule[] {
  const problems: RuleProblem[] = [];
  let doc: unknown;
  try {
    doc = text.trimStart().startsWith('{') || text.trimStart().startsWith('[') ? JSON.parse(text) : YAML.parse(text, { maxAliasCount: 50 });
  } catch (e) {
    throw new RuleValidationError(sourceName, [{ rule: 'file', field: '', message: `not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}` }]);
  }
  if (Array.isArray(doc)) doc = { rules: doc };
  const file = fileShape.safeParse(doc ?? {});
  if (!file.success) throw new RuleValidationError(sourceName, file.error.issues.map((i) => ({ rule: 'file', field: fmt(i.path), message: i.message })));
  const out: CustomRule[] = [];
  const ids = new Map<string, number>();
  file.data.rules.forEach((raw, idx) => {
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null;
    const label = `rules[${idx}]${id ? ` (id "${id}")` : ''}`;
    const add = (field: string, message: string) => problems.push({ rule: label, field, message });
    const r = ruleShape.safeParse(raw);
    if (!r.success) for (const i of r.error.issues) if (i.path[0] !== 'when') zodProblem(i, '', add);
    const rule = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (rule.when === undefined) add('when', 'required'); else checkCondition(rule.when, 'when', 0, add);
    const th = rule.threshold as Record<string, unknown> | undefined;
    if (th && typeof th === 'object') {
      if (typeof th.within === 'string') {
        const w = parseDuration(th.within);
        if (w === null) add('threshold.within', `"${th.within}" is not a duration like 30s, 10m, 1h, 1d`);
        else if (w < 1000 || w > 7 * 86_400_000) add('threshold.within', 'must be between 1s and 7d');
      }
      if (typeof th.groupBy === 'string' && !isKnownField(th.groupBy)) add('threshold.groupBy', `unknown field "${th.groupBy}"`);
    }
    if (id) {
      if (ids.has(id)) add('id', `duplicate id (also rules[${ids.get(id)}])`);
      else ids.set(id, idx);
    }
    if (r.success && problems.every((p) => p.rule !== label)) out.push({ ...r.data, when: rule.when as Condition } as CustomRule);
  });
  if (problems.length) throw new RuleValidationError(sourceName, problems);
  return out.filter((r) => r.enabled !== false);
}
