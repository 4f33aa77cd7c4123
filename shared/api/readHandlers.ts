import { TABLES, type TableSchema } from '../emit/tableSchemas.ts';
import type { TriageKind, TriageRecord, TriageStatus } from '../triage/model.ts';
import { triageOf } from '../triage/service.ts';
import type { TriageStore } from '../triage/store.ts';
import { decodeCursor, encodeCursor, queryBinding } from './cursor.ts';
import { ApiError, badRequest } from './errors.ts';
import { ACTOR_TYPES, fields, parseQuery, templateStartsWith, timeRange } from './filters.ts';
import { openApiKey } from '../engine/lakeLayout.ts';
import type { RouteContext, RouteHandler, Runner } from './findingsApi.ts';
import { columnsOf, inList, lit, SEVERITY_RANK_SQL, where } from './sql.ts';
import { z } from 'zod';

/** A lake table's schema, as the Glue tables and the local views have it. */
export const lakeTable = (name: string): TableSchema => {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`lakeTable: no findings table "${name}"; the tables are ${TABLES.map((x) => x.name).join(', ')}`);
  return t;
};

const DEFECT_ID = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_:.-]{0,127}$/);
export function defectIdOf(c: RouteContext): string {
  const r = DEFECT_ID.safeParse(c.path.defectId);
  if (!r.success) throw badRequest('defectId: must be a defect id (letters, digits and _:.-, at most 128)');
  return r.data;
}

export const LATEST_DEFECTS_SQL = (conds: string[] = []) =>
  `(SELECT *, row_number() OVER (PARTITION BY defect_id ORDER BY last_seen DESC, occurrences DESC) AS rn FROM defects${where(conds)}) d WHERE rn = 1`;

/** The triage fields answers carry (the full history only on the single-item answers). */
export function triageSummary(r: TriageRecord) {
  return { status: r.status, owner: r.owner, note: r.note, ticket: r.ticket && r.ticket.state !== 'creating' ? r.ticket : null, version: r.version, updatedAt: r.updatedAt || null, updatedBy: r.updatedBy || null };
}

async function withTriage(store: TriageStore, kind: TriageKind, items: Record<string, unknown>[], idColumn: string): Promise<Record<string, unknown>[]> {
  const ids = items.map((i) => i[idColumn]).filter((v): v is string => typeof v === 'string');
  const records = new Map((await triageOf(store, kind, ids)).map((r) => [r.id, r]));
  return items.map((i) => ({ ...i, triage: typeof i[idColumn] === 'string' ? triageSummary(records.get(i[idColumn] as string)!) : null }));
}

/**
 * The SQL condition for a triage-status filter, from the store's records: `open` is every id not set to
 * another status (untriaged ones included); any other status is the ids that have it. `false` when nothing
 * can match (no SQL needed).
 */
async function triageCondition(store: TriageStore, kind: TriageKind, column: string, status: TriageStatus | undefined): Promise<string | false | undefined> {
  if (!status) return undefined;
  const all = await store.list(kind);
  if (status === 'open') {
    const closed = all.filter((r) => r.status !== 'open').map((r) => r.id);
    return closed.length ? `(${column} IS NULL OR ${column} NOT IN ${inList(closed)})` : undefined;
  }
  const ids = all.filter((r) => r.status === status).map((r) => r.id);
  return ids.length ? `${column} IN ${inList(ids)}` : false;
}

async function page(c: RouteContext, run: Runner, sql: string, limit: number): Promise<{ items: Record<string, unknown>[]; nextToken?: string }> {
  const binding = queryBinding(c.route, c.query);
  const offset = decodeCursor(c.query.nextToken, binding);
  const rows = await run(`${sql} LIMIT ${limit + 1} OFFSET ${offset}`);
  const items = rows.slice(0, limit);
  return rows.length > limit ? { items, nextToken: encodeCursor(offset + limit, binding) } : { items };
}

const decodePathValue = (v: string) => {
  // REST APIs pass path parameters percent-encoded, HTTP APIs decoded; decoding again is right for the first
  // and harmless for the second unless the value holds a '%' that starts no escape, which is then kept.
  try { return decodeURIComponent(v); } catch { return v; }
};

export const READ_HANDLERS: Record<string, RouteHandler> = {
  'GET /endpoints': async (c) => {
    const a = parseQuery(['from', 'to', 'domain', 'templatePrefix', 'specStatus', 'limit', 'nextToken'], c.query);
    const inner = timeRange(a, 'first_seen', 'last_seen');
    const conds = [a.domain && `domain_name = ${lit(a.domain)}`, a.specStatus && `spec_status = ${lit(a.specStatus)}`, templateStartsWith(a.templatePrefix)];
    const sql = `SELECT ${columnsOf(lakeTable('endpoints'))} FROM (SELECT *, row_number() OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at DESC) AS rn FROM endpoints${where(inner)}) e WHERE rn = 1${where(conds, 'AND')} ORDER BY domain_name, template, method`;
    return { body: await page(c, c.deps.run, sql, a.limit) };
  },

  'GET /defects': async (c) => {
    const a = parseQuery(['from', 'to', 'status', 'triageStatus', 'severity', 'domain', 'templatePrefix', 'limit', 'nextToken'], c.query);
    const triage = await triageCondition(c.deps.triage, 'defect', 'defect_id', a.triageStatus);
    if (triage === false) return { body: { items: [] } };
    const conds = [a.status && `status = ${lit(a.status)}`, a.severity && `severity IN ${inList(a.severity)}`, a.domain && `domain_name = ${lit(a.domain)}`, templateStartsWith(a.templatePrefix), triage];
    const sql = `SELECT ${columnsOf(lakeTable('defects'))} FROM ${LATEST_DEFECTS_SQL(timeRange(a, 'first_seen', 'last_seen'))}${where(conds, 'AND')} ORDER BY ${SEVERITY_RANK_SQL}, last_seen DESC, defect_id`;
    const p = await page(c, c.deps.run, sql, a.limit);
    return { body: { ...p, items: await withTriage(c.deps.triage, 'defect', p.items, 'defect_id') } };
  },

  'GET /defects/{defectId}': async (c) => {
    const id = defectIdOf(c);
    const rows = await c.deps.run(`SELECT ${columnsOf(lakeTable('defects'))} FROM ${LATEST_DEFECTS_SQL()} AND defect_id = ${lit(id)}`);
    if (!rows.length) throw new ApiError(404, `no defect ${id}`);
    const [t] = await triageOf(c.deps.triage, 'defect', [id]);
    return { body: { ...rows[0], triage: { ...triageSummary(t), history: t.history } } };
  },

  'GET /risk-events': async (c) => {
    const a = parseQuery(['date', 'from', 'to', 'minScore', 'severity', 'triageStatus', 'domain', 'actorType', 'actor', 'scenario', 'limit', 'nextToken'], c.query);
    if (a.date && (a.from || a.to)) throw badRequest('date: give either date or from/to, not both');
    const triage = await triageCondition(c.deps.triage, 'incident', 'incident_id', a.triageStatus);
    if (triage === false) return { body: { items: [] } };
    const day = a.date ?? (a.from || a.to ? undefined : c.deps.today ?? new Date().toISOString().slice(0, 10));
    const conds = [
      day && `dt = ${lit(day)}`, ...timeRange(a, 'window_start', 'window_end'), `score >= ${a.minScore}`, a.severity && `severity IN ${inList(a.severity)}`,
      a.domain && `domain_name = ${lit(a.domain)}`, a.actorType && `actor_type = ${lit(a.actorType)}`, a.actor && `actor = ${lit(a.actor)}`, a.scenario && `scenario = ${lit(a.scenario)}`, triage,
    ];
    const sql = `SELECT ${columnsOf(lakeTable('risk_events'))} FROM risk_events${where(conds)} ORDER BY score DESC, window_start, actor_type, actor`;
    const p = await page(c, c.deps.run, sql, a.limit);
    return { body: { ...p, items: await withTriage(c.deps.triage, 'incident', p.items, 'incident_id') } };
  },

  'GET /actors/{actorType}/{actor}': async (c) => {
    const a = parseQuery(['from', 'to'], c.query);
    const t = z.enum(ACTOR_TYPES).safeParse(c.path.actorType);
    if (!t.success) throw badRequest(`actorType: must be one of ${ACTOR_TYPES.join(', ')}`);
    const actor = z.string().min(1).max(256).safeParse(c.path.actor ? decodePathValue(c.path.actor) : undefined);
    if (!actor.success) throw badRequest('actor: must be the identifier as logged, 1-256 characters, URL-encoded');
    const who = [`actor_type = ${lit(t.data)}`, `actor = ${lit(actor.data)}`];
    const prof = await c.deps.run(`SELECT ${columnsOf(lakeTable('actors'))} FROM actors${where([...who, ...timeRange(a, 'first_seen', 'last_seen')])} ORDER BY snapshot_at DESC LIMIT 1`);
    const risk = await c.deps.run(`SELECT ${columnsOf(lakeTable('risk_events'), ['window_start', 'window_end', 'score', 'severity', 'scenario', 'detectors', 'incident_id'])} FROM risk_events${where([...who, ...timeRange(a, 'window_start', 'window_end')])} ORDER BY window_start DESC LIMIT 20`);
    if (!prof.length && !risk.length) throw new ApiError(404, `no actor ${t.data}:${actor.data}`);
    return { body: { ...(prof[0] ?? { actor_type: t.data, actor: actor.data }), recent_risk_events: await withTriage(c.deps.triage, 'incident', risk, 'incident_id') } };
  },

  'GET /file-assets': async (c) => {
    const a = parseQuery(['from', 'to', 'domain', 'templatePrefix', 'limit', 'nextToken'], c.query);
    const conds = [a.domain && `domain_name = ${lit(a.domain)}`, templateStartsWith(a.templatePrefix)];
    // One row per file endpoint and day; a day written twice (a replay that stopped in it and went on) counts as its latest.
    const sql = `SELECT ${columnsOf(lakeTable('file_assets'))} FROM (SELECT *, row_number() OVER (PARTITION BY domain_name, method, template, day ORDER BY snapshot_at DESC) AS rn FROM file_assets${where(timeRange(a, 'first_seen', 'last_seen'))}) f WHERE rn = 1${where(conds, 'AND')} ORDER BY day DESC, unauth_downloads DESC, downloads DESC, domain_name, template, method`;
    return { body: await page(c, c.deps.run, sql, a.limit) };
  },

  'GET /endpoint-changes': async (c) => {
    const a = parseQuery(['from', 'to', 'change', 'domain', 'templatePrefix', 'limit', 'nextToken'], c.query);
    const conds = [...timeRange(a, 'changed_at'), a.change && `change = ${lit(a.change)}`, a.domain && `domain_name = ${lit(a.domain)}`, templateStartsWith(a.templatePrefix)];
    const sql = `SELECT ${columnsOf(lakeTable('endpoint_changes'))} FROM endpoint_changes${where(conds)} ORDER BY changed_at DESC, domain_name, template, method, change`;
    return { body: await page(c, c.deps.run, sql, a.limit) };
  },

  'GET /traffic': async (c) => {
    const a = parseQuery(['from', 'to', 'domain'], c.query);
    return { body: { items: await c.deps.run(trafficSql(a)) } };
  },

  'GET /openapi/{domain}': async (c) => {
    const domain = fields.domain.safeParse(c.path.domain);
    if (!domain.success || domain.data === undefined) throw badRequest('domain: must be a host name, e.g. api.bank.example');
    if (!c.deps.documents) throw new ApiError(503, 'no document store is configured for this API: the OpenAPI exports cannot be read');
    const body = await c.deps.documents.get(openApiKey(domain.data));
    if (!body) throw new ApiError(404, `no OpenAPI export for ${domain.data}: discovery writes one per domain it has seen, at the end of each UTC day`);
    return { body: JSON.parse(Buffer.from(body).toString('utf8')) as unknown };
  },
};

const TRAFFIC_COUNTS = ['request_count', 'status_2xx', 'status_3xx', 'status_4xx', 'status_5xx', 'unauth_requests'] as const;
const dayShift = (iso: string, days: number) => new Date(Date.parse(iso.slice(0, 10)) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Requests per snapshot interval: endpoint snapshots carry counts since first seen, so each snapshot's count
 * minus the endpoint's previous one is what it served in between (never below 0, should a count restart).
 * `at` is the snapshot time, the end of the interval (hourly; a replay's last one may be partial). The day
 * before `from` is read too, so the first snapshot in range has its predecessor; `dt` prunes the rest.
 */
function trafficSql(a: { from?: string; to?: string; domain?: string }): string {
  const lagOf = (col: string) => `greatest(${col} - coalesce(lag(${col}) OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at), 0), 0) AS ${col}`;
  const inner = [a.from && `dt >= ${lit(dayShift(a.from, -1))}`, a.to && `dt <= ${lit(dayShift(a.to, 1))}`, a.domain && `domain_name = ${lit(a.domain)}`];
  const outer = [a.from && `snapshot_at > ${lit(a.from)}`, a.to && `snapshot_at <= ${lit(a.to)}`];
  return `SELECT snapshot_at AS at, ${TRAFFIC_COUNTS.map((col) => `sum(${col}) AS ${col === 'request_count' ? 'requests' : col}`).join(', ')} FROM (
      SELECT snapshot_at, ${TRAFFIC_COUNTS.map(lagOf).join(', ')} FROM (
        SELECT snapshot_at, domain_name, method, template, ${TRAFFIC_COUNTS.map((col) => `max(${col}) AS ${col}`).join(', ')}
        FROM endpoints${where(inner)} GROUP BY snapshot_at, domain_name, method, template) s) d${where(outer)}
    GROUP BY snapshot_at ORDER BY snapshot_at LIMIT 2000`;
}
