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
  // Lists (`['a']`) and maps (`MAP {'a': 1}`) as DuckDB literals, other strings quoted.
  const lit = (v: string | number | boolean) => (typeof v === 'string' && !v.startsWith('[') && !v.startsWith('MAP {') ? `'${v}'` : String(v));
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

  const fileDay = (template: string, daysAgo: number, o: Record<string, string | number>) =>
    insert('file_assets', { domain_name: 'api.bank.example', method: 'GET', template, day: dt(daysAgo * DAY), file_types: "['pdf']", sensitive_types: '[]', requests: 0, downloads: 0, unauth_downloads: 0, bytes_total: 0, distinct_principals: 0, distinct_ips: 0, top_principals: 'MAP {}', top_ips: 'MAP {}', snapshot_at: iso(daysAgo * DAY), dt: dt(daysAgo * DAY), ...o });

  it('file downloads, 30 days: per file endpoint, anonymous downloads first, a day written twice counted once', async () => {
    await fileDay('/v1/statements/{id}.pdf', 1, { requests: 12, downloads: 10, unauth_downloads: 2, bytes_total: 1000, distinct_principals: 3, distinct_ips: 4 });
    // Where a replay stopped (earlier snapshot of the same day): left out.
    await fileDay('/v1/statements/{id}.pdf', 2, { requests: 3, downloads: 3, unauth_downloads: 3, bytes_total: 30, snapshot_at: iso(2 * DAY + 3_600_000) });
    await fileDay('/v1/statements/{id}.pdf', 2, { requests: 6, downloads: 5, unauth_downloads: 4, bytes_total: 500, distinct_principals: 1, distinct_ips: 6, sensitive_types: "['email']" });
    await fileDay('/v1/exports/{name}.csv', 3, { requests: 9, downloads: 9, unauth_downloads: 0, bytes_total: 900, file_types: "['csv']" });
    // Older than 30 days: out of range.
    await fileDay('/v1/exports/{name}.csv', 40, { requests: 99, downloads: 99, unauth_downloads: 99 });
    const rows = await run('FileDownloads30Days');
    expect(rows.map((x) => [x.template, Number(x.downloads), Number(x.unauth_downloads), Number(x.bytes_total), Number(x.days_with_requests), Number(x.max_daily_ips), x.sensitive_types])).toEqual([
      ['/v1/statements/{id}.pdf', 15, 6, 1500, 2, 6, ['email']],
      ['/v1/exports/{name}.csv', 9, 0, 900, 1, 0, []],
    ]);
  });

  it('file downloads by caller, 30 days: the top downloaders of each day summed, principals and IPs, with their endpoints', async () => {
    await con.run('DELETE FROM file_assets');
    await fileDay('/v1/statements/{id}.pdf', 1, { top_principals: "MAP {'alice': 7, 'bob': 2}", top_ips: "MAP {'203.0.113.9': 9}" });
    await fileDay('/v1/statements/{id}.pdf', 2, { top_principals: "MAP {'alice': 1}", top_ips: "MAP {'203.0.113.9': 1, '198.51.100.7': 4}" });
    await fileDay('/v1/exports/{name}.csv', 2, { top_principals: "MAP {'bob': 5}", top_ips: 'MAP {}' });
    const rows = await run('FileDownloadsByCaller30Days');
    expect(rows.map((x) => [x.caller_type, x.caller, Number(x.downloads), Number(x.days), [...(x.file_endpoints as string[])].sort()])).toEqual([
      ['ip', '203.0.113.9', 10, 2, ['/v1/statements/{id}.pdf']],
      ['principal', 'alice', 8, 2, ['/v1/statements/{id}.pdf']],
      ['principal', 'bob', 7, 2, ['/v1/exports/{name}.csv', '/v1/statements/{id}.pdf']],
      ['ip', '198.51.100.7', 4, 1, ['/v1/statements/{id}.pdf']],
    ]);
  });
});
