import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../shared/emit/tableSchemas.ts';
import { FINDINGS_QUERIES } from '../../infra/constructs/findingsQueries.ts';
import { DUCK_TYPE } from '../../local/lakeQuery.ts';

/**
 * Runs the saved Athena queries on DuckDB over tables with exactly the TABLES columns (plus dt), with
 * shims for the two Trino functions DuckDB lacks. It proves column names, joins and the logic on small
 * fixtures; it cannot prove Athena accepts every construct.
 */
const DUCK_TYPES: Record<string, string> = DUCK_TYPE;

const DAY = 86_400_000;
// One fixed "now" for the fixtures and for the queries' current_date / current_timestamp: a clock read here and
// DuckDB's own would disagree near midnight UTC and in other time zones.
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const dt = (msAgo: number) => iso(msAgo).slice(0, 10);

let instance: DuckDBInstance;
let con: DuckDBConnection;
const run = async (id: string) => {
  const q = FINDINGS_QUERIES.find((x) => x.id === id)!;
  return (await con.runAndReadAll(atNow(q.sql))).getRowObjectsJson() as Array<Record<string, unknown>>;
};
const atNow = (sql: string) =>
  sql.replace(/current_timestamp/g, `TIMESTAMPTZ '${new Date(NOW).toISOString()}'`).replace(/current_date/g, `DATE '${new Date(NOW).toISOString().slice(0, 10)}'`);
const insert = (table: string, row: Record<string, string | number | boolean>) => {
  const cols = Object.keys(row);
  const lit = (v: string | number | boolean) => (typeof v === 'string' && !v.startsWith('[') ? `'${v}'` : String(v));
  return con.run(`INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((c) => lit(row[c]!)).join(', ')})`);
};

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1', autoinstall_known_extensions: 'false' });
  con = await instance.connect();
  await con.run(`SET TimeZone = 'UTC'`);
  for (const t of TABLES) {
    await con.run(`CREATE TABLE ${t.name} (${t.columns.map((c) => `"${c.name}" ${DUCK_TYPES[c.type]}`).join(', ')}, dt VARCHAR)`);
  }
  await con.run(`CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)`);
  await con.run(`CREATE MACRO date_format(ts, f) AS strftime(ts, f)`);
});

afterAll(() => {
  con?.closeSync();
  instance?.closeSync();
});

describe('saved Athena queries (on DuckDB)', () => {
  it('all bind against the TABLES columns', async () => {
    for (const q of FINDINGS_QUERIES) {
      const names = (await con.runAndReadAll(atNow(q.sql))).columnNames();
      expect(names.length, q.id).toBeGreaterThan(0);
      expect(new Set(names).size, `${q.id}: duplicate result columns`).toBe(names.length);
    }
  });

  it('new endpoints this week: only endpoints first seen in the last 7 days', async () => {
    const base = { domain_name: 'api.bank.example', method: 'GET', spec_status: 'shadow', dt: dt(0) };
    await insert('endpoints', { ...base, template: '/v1/new', first_seen: iso(2 * DAY), snapshot_at: iso(0), request_count: 10 });
    await insert('endpoints', { ...base, template: '/v1/old', first_seen: iso(30 * DAY), snapshot_at: iso(0), request_count: 99 });
    const rows = await run('NewEndpointsThisWeek');
    expect(rows.map((r) => r.template)).toEqual(['/v1/new']);
  });

  it('open defects by severity: latest state per defect, most severe first', async () => {
    const d = (id: string, severity: string, status: string, lastSeenAgo: number) =>
      insert('defects', { defect_id: id, defect_type: 'unauthenticated_endpoint', severity, status, last_seen: iso(lastSeenAgo), dt: dt(lastSeenAgo) });
    await d('a', 'high', 'open', 2 * DAY);
    await d('a', 'high', 'resolved', DAY);
    await d('b', 'high', 'open', DAY);
    await d('c', 'critical', 'reopened', 0);
    const rows = await run('OpenDefectsBySeverity');
    expect(rows.map((r) => [r.severity, Number(r.open_defects)])).toEqual([
      ['critical', 1],
      ['high', 1],
    ]);
  });

  it('top risky actors today: highest score first, incidents counted', async () => {
    const r = (actor: string, score: number) =>
      insert('risk_events', { actor_type: 'ip', actor, score, severity: 'high', scenario: 'credential_stuffing', detectors: "['login_failures']", window_start: iso(0), window_end: iso(0), dt: dt(0) });
    await r('198.51.100.7', 80);
    await r('198.51.100.7', 60);
    await r('203.0.113.9', 90);
    await insert('risk_events', { actor_type: 'ip', actor: '192.0.2.1', score: 99, severity: 'critical', dt: dt(3 * DAY) });
    const rows = await run('TopRiskyActorsToday');
    expect(rows.map((x) => [x.actor, Number(x.max_score), Number(x.incidents)])).toEqual([
      ['203.0.113.9', 90, 1],
      ['198.51.100.7', 80, 2],
    ]);
  });

  it('traffic per endpoint per hour: deltas of the cumulative hourly snapshots', async () => {
    await con.run('DELETE FROM endpoints');
    const s = (hour: number, count: number) =>
      insert('endpoints', { domain_name: 'api.bank.example', method: 'GET', template: '/v1/users', snapshot_at: `${dt(0)}T${String(hour).padStart(2, '0')}:59:00Z`, request_count: count, status_4xx: 0, status_5xx: 0, unauth_requests: 0, dt: dt(0) });
    await s(0, 100);
    await s(1, 150);
    const rows = await run('TrafficPerEndpointPerHour');
    expect(rows.map((x) => [Number(x.hour), Number(x.requests)])).toEqual([
      [1, 50],
      [0, 100],
    ]);
  });

  it('file downloads by caller: callers whose typical endpoints serve files', async () => {
    await insert('endpoints', { domain_name: 'api.bank.example', method: 'GET', template: '/v1/files/{fileName}', is_file_asset: true, file_types: "['pdf']", dt: dt(DAY) });
    await insert('actors', { actor_type: 'principal', actor: 'alice', requests: 500, risk_score: 40, typical_templates: "['/v1/files/{fileName}', '/v1/users']", snapshot_at: iso(DAY), dt: dt(DAY) });
    await insert('actors', { actor_type: 'principal', actor: 'bob', requests: 900, risk_score: 5, typical_templates: "['/v1/users']", snapshot_at: iso(DAY), dt: dt(DAY) });
    const rows = await run('FileDownloadsByCaller30Days');
    expect(rows.map((x) => [x.actor, x.file_endpoints, x.file_types])).toEqual([['alice', ['/v1/files/{fileName}'], ['pdf']]]);
  });
});
