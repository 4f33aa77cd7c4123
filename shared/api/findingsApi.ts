import { z } from 'zod';

/**
 * The read-only findings API (docs/openapi-findings-api.yaml) as a pure function: validate the request, build
 * SQL over the findings tables (Athena in AWS, DuckDB in tests; the same text), page with an opaque token.
 * Values from the request reach SQL only as validated, quoted literals.
 */
export interface ApiRequest {
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
const limit = z.coerce.number().int().min(1).max(500).default(100);
const token = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional();
const domain = z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name').optional();
const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);

const schemas = {
  '/endpoints': z.object({ domain, specStatus: z.enum(['in_spec', 'shadow', 'deprecated', 'orphan', 'no_spec']).optional(), limit, nextToken: token }).strict(),
  '/defects': z.object({ status: z.enum(['open', 'resolved', 'reopened']).optional(), severity: severity.optional(), domain, limit, nextToken: token }).strict(),
  '/risk-events': z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(), minScore: z.coerce.number().int().min(0).max(100).default(0), limit, nextToken: token }).strict(),
};

const encodeToken = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function decodeToken(t: string | undefined): number {
  if (!t) return 0;
  try {
    const o = JSON.parse(Buffer.from(t, 'base64url').toString()).o;
    if (Number.isInteger(o) && o >= 0 && o < 1e7) return o;
  } catch { /* fall through */ }
  throw new BadRequest('nextToken is not a token this API issued');
}

class BadRequest extends Error {}
const json = (statusCode: number, body: unknown): ApiResponse => ({ statusCode, body: JSON.stringify(body) });

const LATEST_DEFECTS = `(SELECT *, row_number() OVER (PARTITION BY defect_id ORDER BY last_seen DESC, occurrences DESC) AS rn FROM defects) d WHERE rn = 1`;
const SEV_ORDER = `CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;

async function page(run: Runner, sql: string, lim: number, offset: number) {
  const rows = await run(`${sql} LIMIT ${lim + 1} OFFSET ${offset}`);
  const items = rows.slice(0, lim).map(({ rn: _rn, ...r }) => r);
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
        return page(run, `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at DESC) AS rn FROM endpoints) e WHERE rn = 1${where.map((w) => ` AND ${w}`).join('')} ORDER BY domain_name, template, method`, a.limit, decodeToken(a.nextToken));
      }
      case '/defects': {
        const a = parse(schemas['/defects'], q);
        const where = [a.status && `status = ${lit(a.status)}`, a.severity && `severity = ${lit(a.severity)}`, a.domain && `domain_name = ${lit(a.domain)}`].filter(Boolean);
        return page(run, `SELECT * FROM ${LATEST_DEFECTS}${where.map((w) => ` AND ${w}`).join('')} ORDER BY ${SEV_ORDER}, last_seen DESC, defect_id`, a.limit, decodeToken(a.nextToken));
      }
      case '/defects/{defectId}': {
        const id = z.string().regex(/^[A-Za-z0-9_:.-]{1,128}$/).safeParse(p.defectId);
        if (!id.success) throw new BadRequest('defectId is not a defect id');
        const rows = await run(`SELECT * FROM ${LATEST_DEFECTS} AND defect_id = ${lit(id.data)}`);
        if (!rows.length) return json(404, { message: `no defect ${id.data}` });
        const { rn: _rn, ...r } = rows[0];
        return json(200, r);
      }
      case '/risk-events': {
        const a = parse(schemas['/risk-events'], q);
        const day = a.date ?? today;
        return page(run, `SELECT * FROM risk_events WHERE dt = ${lit(day)} AND score >= ${a.minScore} ORDER BY score DESC, window_start, actor_type, actor`, a.limit, decodeToken(a.nextToken));
      }
      case '/actors/{actorType}/{actor}': {
        const t = z.enum(['ip', 'principal', 'api_key', 'ua_fingerprint']).safeParse(p.actorType);
        const actor = z.string().min(1).max(256).safeParse(p.actor ? decodeURIComponent(p.actor) : undefined);
        if (!t.success || !actor.success) throw new BadRequest('actorType must be ip, principal, api_key or ua_fingerprint, and actor non-empty');
        const prof = await run(`SELECT * FROM actors WHERE actor_type = ${lit(t.data)} AND actor = ${lit(actor.data)} ORDER BY snapshot_at DESC LIMIT 1`);
        const risk = await run(`SELECT window_start, window_end, score, severity, scenario, detectors FROM risk_events WHERE actor_type = ${lit(t.data)} AND actor = ${lit(actor.data)} ORDER BY window_start DESC LIMIT 20`);
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

function parse<T extends z.ZodTypeAny>(schema: T, q: Record<string, unknown>): z.infer<T> {
  const r = schema.safeParse(q);
  if (!r.success) throw new BadRequest(r.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return r.data;
}
