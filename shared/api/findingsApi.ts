import { z } from 'zod';
import { TABLES } from '../emit/tableSchemas.ts';

/**
 * The read-only findings API (docs/openapi-findings-api.yaml) as a pure function: validate the request, build
 * SQL over the findings tables (Athena in AWS, DuckDB in tests; the same text), page with an opaque token.
 * Values from the request reach SQL only as validated, quoted literals. A bad request gets 400 with a message
 * that names the parameter and what it accepts.
 */
export interface ApiRequest {
  /** The route as declared (`/defects/{defectId}`), not the concrete path. */
  resource: string;
  pathParameters?: Record<string, string | undefined> | null;
  query?: Record<string, string | undefined> | null;
}

export interface ApiResponse {
  statusCode: number;
  body: string;
}

export type Runner = (sql: string) => Promise<Record<string, unknown>[]>;

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const limit = z.coerce.number('must be a whole number 1-500').int('must be a whole number 1-500').min(1, 'must be a whole number 1-500').max(500, 'must be a whole number 1-500').default(100);
const token = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a token this API issued').optional();
const domain = z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name, e.g. api.bank.example').optional();
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
const severity = z.enum(SEVERITIES, `must be one of ${SEVERITIES.join(', ')}`);
const SPEC_STATUSES = ['in_spec', 'shadow', 'deprecated', 'orphan', 'no_spec'] as const;
const DEFECT_STATUSES = ['open', 'resolved', 'reopened'] as const;
const ACTOR_TYPES = ['ip', 'principal', 'api_key', 'ua_fingerprint'] as const;

const schemas = {
  '/endpoints': z.object({ domain, specStatus: z.enum(SPEC_STATUSES, `must be one of ${SPEC_STATUSES.join(', ')}`).optional(), limit, nextToken: token }),
  '/defects': z.object({ status: z.enum(DEFECT_STATUSES, `must be one of ${DEFECT_STATUSES.join(', ')}`).optional(), severity: severity.optional(), domain, limit, nextToken: token }),
  '/risk-events': z.object({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a UTC day yyyy-mm-dd').optional(),
    minScore: z.coerce.number('must be a whole number 0-100').int('must be a whole number 0-100').min(0, 'must be a whole number 0-100').max(100, 'must be a whole number 0-100').default(0),
    limit,
    nextToken: token,
  }),
};

/**
 * The columns of a findings table, arrays and maps as JSON (`CAST(... AS JSON)`, the same in Trino and DuckDB):
 * Athena returns every value as text and renders an array as `[a, b]`, which cannot be split back safely.
 * The query runner turns `json` columns into values, so answers have the types the OpenAPI document gives.
 */
function columnsOf(table: string, only?: readonly string[]): string {
  const schema = TABLES.find((t) => t.name === table)!;
  return schema.columns
    .filter((c) => !only || only.includes(c.name))
    .map((c) => (c.type.startsWith('array') || c.type.startsWith('map') ? `CAST(${c.name} AS JSON) AS ${c.name}` : c.name))
    .join(', ');
}

const encodeToken = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function decodeToken(t: string | undefined): number {
  if (!t) return 0;
  try {
    const o = JSON.parse(Buffer.from(t, 'base64url').toString()).o;
    if (Number.isInteger(o) && o >= 0 && o < 1e7) return o;
  } catch { /* fall through */ }
  throw new BadRequest('nextToken: is not a token this API issued');
}

class BadRequest extends Error {}
const json = (statusCode: number, body: unknown): ApiResponse => ({ statusCode, body: JSON.stringify(body) });

const LATEST_DEFECTS = `(SELECT *, row_number() OVER (PARTITION BY defect_id ORDER BY last_seen DESC, occurrences DESC) AS rn FROM defects) d WHERE rn = 1`;
const SEV_ORDER = `CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;

async function page(run: Runner, sql: string, lim: number, offset: number) {
  const rows = await run(`${sql} LIMIT ${lim + 1} OFFSET ${offset}`);
  const items = rows.slice(0, lim);
  return json(200, rows.length > lim ? { items, nextToken: encodeToken(offset + lim) } : { items });
}

/**
 * @example
 * await handleFindingsRequest({ resource: '/defects', query: { status: 'open' } }, (sql) => runAthenaQuery(athena, sql, opts));
 */
export async function handleFindingsRequest(req: ApiRequest, run: Runner, today = new Date().toISOString().slice(0, 10)): Promise<ApiResponse> {
  try {
    const q = Object.fromEntries(Object.entries(req.query ?? {}).filter(([, v]) => v !== undefined));
    const p = req.pathParameters ?? {};
    switch (req.resource) {
      case '/endpoints': {
        const a = parse(schemas['/endpoints'], q);
        const where = [a.domain && `domain_name = ${lit(a.domain)}`, a.specStatus && `spec_status = ${lit(a.specStatus)}`].filter(Boolean);
        return page(run, `SELECT ${columnsOf('endpoints')} FROM (SELECT *, row_number() OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at DESC) AS rn FROM endpoints) e WHERE rn = 1${where.map((w) => ` AND ${w}`).join('')} ORDER BY domain_name, template, method`, a.limit, decodeToken(a.nextToken));
      }
      case '/defects': {
        const a = parse(schemas['/defects'], q);
        const where = [a.status && `status = ${lit(a.status)}`, a.severity && `severity = ${lit(a.severity)}`, a.domain && `domain_name = ${lit(a.domain)}`].filter(Boolean);
        return page(run, `SELECT ${columnsOf('defects')} FROM ${LATEST_DEFECTS}${where.map((w) => ` AND ${w}`).join('')} ORDER BY ${SEV_ORDER}, last_seen DESC, defect_id`, a.limit, decodeToken(a.nextToken));
      }
      case '/defects/{defectId}': {
        const id = z.string().regex(/^[A-Za-z0-9_:.-]{1,128}$/).safeParse(p.defectId);
        if (!id.success) throw new BadRequest('defectId: must be a defect id (letters, digits and _:.-, at most 128)');
        const rows = await run(`SELECT ${columnsOf('defects')} FROM ${LATEST_DEFECTS} AND defect_id = ${lit(id.data)}`);
        if (!rows.length) return json(404, { message: `no defect ${id.data}` });
        return json(200, rows[0]);
      }
      case '/risk-events': {
        const a = parse(schemas['/risk-events'], q);
        const day = a.date ?? today;
        return page(run, `SELECT ${columnsOf('risk_events')} FROM risk_events WHERE dt = ${lit(day)} AND score >= ${a.minScore} ORDER BY score DESC, window_start, actor_type, actor`, a.limit, decodeToken(a.nextToken));
      }
      case '/actors/{actorType}/{actor}': {
        const t = z.enum(ACTOR_TYPES).safeParse(p.actorType);
        if (!t.success) throw new BadRequest(`actorType: must be one of ${ACTOR_TYPES.join(', ')}`);
        const actor = z.string().min(1).max(256).safeParse(p.actor ? decodePathValue(p.actor) : undefined);
        if (!actor.success) throw new BadRequest('actor: must be the identifier as logged, 1-256 characters, URL-encoded');
        const prof = await run(`SELECT ${columnsOf('actors')} FROM actors WHERE actor_type = ${lit(t.data)} AND actor = ${lit(actor.data)} ORDER BY snapshot_at DESC LIMIT 1`);
        const risk = await run(`SELECT ${columnsOf('risk_events', ['window_start', 'window_end', 'score', 'severity', 'scenario', 'detectors'])} FROM risk_events WHERE actor_type = ${lit(t.data)} AND actor = ${lit(actor.data)} ORDER BY window_start DESC LIMIT 20`);
        if (!prof.length && !risk.length) return json(404, { message: `no actor ${t.data}:${actor.data}` });
        return json(200, { ...(prof[0] ?? { actor_type: t.data, actor: actor.data }), recent_risk_events: risk });
      }
      default:
        return json(404, { message: `no route ${req.resource}` });
    }
  } catch (e) {
    if (e instanceof BadRequest) return json(400, { message: e.message });
    throw e;
  }
}

function parse<T extends z.ZodObject>(schema: T, q: Record<string, unknown>): z.infer<T> {
  const known = Object.keys(schema.shape);
  const unknown = Object.keys(q).filter((k) => !known.includes(k));
  if (unknown.length) throw new BadRequest(`${unknown.join(', ')}: not a parameter of this route; it takes ${known.join(', ')}`);
  const r = schema.safeParse(q);
  if (!r.success) throw new BadRequest(r.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return r.data;
}

/**
 * A path parameter as the caller meant it. REST APIs pass path parameters percent-encoded and HTTP APIs decode
 * them first; decoding once more is right for the first and harmless for the second unless the value itself
 * holds a `%` that does not start an escape, which is then left as it is.
 */
function decodePathValue(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
