import { z } from 'zod';
import { TRIAGE_STATUSES } from '../triage/model.ts';
import { badRequest } from './errors.ts';
import { lit } from './sql.ts';

/**
 * Query parameters shared by the routes, each validated with a message that names what it accepts. Every value
 * that reaches SQL passed one of these first.
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const SPEC_STATUSES = ['in_spec', 'shadow', 'deprecated', 'orphan', 'no_spec'] as const;
export const DEFECT_STATUSES = ['open', 'resolved', 'reopened'] as const;
export const ACTOR_TYPES = ['ip', 'principal', 'api_key', 'ua_fingerprint'] as const;
export const CHANGE_KINDS = ['added', 'removed', 'merge', 'split', 'rename'] as const;

const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, `must be one of ${values.join(', ')}`);

/** A comma-separated list of allowed values (`severity=high,critical`). */
const listOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .refine((s) => s.split(',').every((v) => (values as readonly string[]).includes(v)), `must be one or more of ${values.join(', ')}, comma-separated`)
    .transform((s) => [...new Set(s.split(','))] as Array<T[number]>)
    .optional();

const wholeNumber = (lo: number, hi: number) => {
  const m = `must be a whole number ${lo}-${hi}`;
  return z.coerce.number(m).int(m).min(lo, m).max(hi, m);
};

/** ISO-8601 time with a zone (`2026-11-23T10:00:00Z`) or a UTC day (`2026-11-23`), as the ISO string in UTC. */
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO-8601 time with a zone, e.g. 2026-11-23T10:00:00Z, or a UTC day 2026-11-23')
  .transform((s, ctx) => {
    const d = new Date(s.length === 10 ? `${s}T00:00:00Z` : s);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time with a zone, e.g. 2026-11-23T10:00:00Z, or a UTC day 2026-11-23' });
      return z.NEVER;
    }
    return d.toISOString();
  })
  .optional();

export const fields = {
  limit: wholeNumber(1, 500).default(100),
  nextToken: z.string().max(200, 'is not a token this API issued').optional(),
  from: instant,
  to: instant,
  domain: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name, e.g. api.bank.example').optional(),
  templatePrefix: z.string().regex(/^\/[\x21-\x7e]{0,511}$/, 'must be a path template prefix starting with /, e.g. /v1/users').optional(),
  severity: listOf(SEVERITIES),
  specStatus: oneOf(SPEC_STATUSES).optional(),
  status: oneOf(DEFECT_STATUSES).optional(),
  triageStatus: oneOf(TRIAGE_STATUSES).optional(),
  minScore: wholeNumber(0, 100).default(0),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a UTC day yyyy-mm-dd').optional(),
  actor: z.string().min(1, 'must be the identifier as logged, 1-256 characters').max(256, 'must be the identifier as logged, 1-256 characters').optional(),
  actorType: oneOf(ACTOR_TYPES).optional(),
  scenario: z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a scenario name, e.g. credential_stuffing').optional(),
  change: oneOf(CHANGE_KINDS).optional(),
};

export type FieldName = keyof typeof fields;

/**
 * Validates a route's query: only the parameters it takes (others are a 400 naming them and listing what it
 * takes), each by its schema above; `from` after `to` is refused.
 */
export function parseQuery<K extends FieldName>(names: readonly K[], q: Record<string, string>): { [P in K]: z.output<(typeof fields)[P]> } {
  const unknown = Object.keys(q).filter((k) => !(names as readonly string[]).includes(k));
  if (unknown.length) throw badRequest(`${unknown.join(', ')}: not a parameter of this route; ${names.length ? `it takes ${names.join(', ')}` : 'it takes no query parameters'}`);
  const schema = z.object(Object.fromEntries(names.map((n) => [n, fields[n]])) as { [P in K]: (typeof fields)[P] });
  const r = schema.safeParse(q);
  if (!r.success) throw badRequest(r.error.issues.map((i) => `${String(i.path[0] ?? 'query')}: ${i.message}`).join('; '));
  const a = r.data as Record<string, unknown>;
  if (typeof a.from === 'string' && typeof a.to === 'string' && a.from > a.to) throw badRequest('to: must not be before from');
  return r.data as never;
}

/**
 * Time-range conditions on a row's own times plus the `dt` partitions that can hold such rows, so Athena reads
 * only those days (partition projection prunes on `dt`). `startCol`/`endCol` are the row's first and last
 * instant; a row is in range when it overlaps [from, to].
 */
export function timeRange(a: { from?: string; to?: string }, startCol: string, endCol: string = startCol): string[] {
  const conds: string[] = [];
  if (a.from) conds.push(`dt >= ${lit(a.from.slice(0, 10))}`, `${endCol} >= ${lit(a.from)}`);
  if (a.to) conds.push(`dt <= ${lit(a.to.slice(0, 10))}`, `${startCol} <= ${lit(a.to)}`);
  return conds;
}

/** `starts_with(template, '/v1/users')`: Trino and DuckDB both have it, and it needs no LIKE escaping. */
export const templateStartsWith = (prefix: string | undefined) => prefix !== undefined && `starts_with(template, ${lit(prefix)})`;
