import { inventorySql } from './inventory.ts';

/**
 * The SQL behind the daily report. Written in the subset that Athena (Trino) and DuckDB both accept, so the
 * scheduled function (Athena) and `apiscope report` (DuckDB) produce the same numbers. `{day}` is the report
 * day (yyyy-MM-dd, event time), `{prev_day}` and `{next_day}` the days around it, `{day_end}` its end instant.
 */
export const REPORT_QUERIES = {
  summary: `SELECT
      (SELECT count(*) FROM (${inventorySql('{day_end}')}) i) AS endpoints,
      (SELECT count(*) FROM (${inventorySql('{day_end}')}) i WHERE substr(first_seen, 1, 10) = '{day}') AS new_endpoints,
      (SELECT count(DISTINCT defect_id) FROM defects) AS defects,
      (SELECT count(DISTINCT actor_type || ':' || actor) FROM risk_events WHERE substr(window_start, 1, 10) = '{day}') AS risky_actors`,
  newEndpoints: `SELECT domain_name, method, template, first_seen, request_count AS requests
      FROM (${inventorySql('{day_end}')}) i WHERE substr(first_seen, 1, 10) = '{day}' ORDER BY requests DESC, domain_name, method, template LIMIT 50`,
  openDefects: `SELECT defect_id, defect_type, severity, status, domain_name, method, template, owasp, title, fix, first_seen, last_seen, occurrences
      FROM (SELECT *, row_number() OVER (PARTITION BY defect_id ORDER BY last_seen DESC, occurrences DESC) AS rn FROM defects) t
      WHERE rn = 1 AND status <> 'resolved'
      ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, last_seen DESC LIMIT 100`,
  riskyActors: `SELECT actor_type, actor, max(score) AS score, max_by(scenario, score) AS scenario, max_by(severity, score) AS severity,
      min(window_start) AS first_seen, max(window_end) AS last_seen, count(*) AS windows, max_by(evidence, score) AS evidence
      FROM risk_events WHERE substr(window_start, 1, 10) = '{day}'
      GROUP BY actor_type, actor ORDER BY score DESC, windows DESC LIMIT 25`,
  riskByHour: `SELECT cast(substr(window_start, 12, 2) AS integer) AS hour, scenario, count(DISTINCT actor_type || ':' || actor) AS actors
      FROM risk_events WHERE substr(window_start, 1, 10) = '{day}' GROUP BY 1, 2 ORDER BY 1, 2`,
  defectsBySeverity: `SELECT severity, count(*) AS defects FROM (SELECT *, row_number() OVER (PARTITION BY defect_id ORDER BY last_seen DESC) AS rn FROM defects) t
      WHERE rn = 1 AND status <> 'resolved' GROUP BY severity`,
  // Requests per hour of the day: each snapshot's count minus the endpoint's previous one. A snapshot is stamped
  // with the end of what it covers, so the one at hh:00 counts hour hh-1 (the day's last hour is the next
  // day's 00:00 snapshot) and a replay's final snapshot at hh:mm counts hour hh. The days around are read: the
  // previous day-end snapshot (it lists every endpoint) gives each endpoint's count before this day, and an
  // hour's snapshot is written with the first window that closes after it, which can be the next day's.
  trafficByHour: `SELECT hour, sum(requests) AS requests FROM (
        SELECT CASE WHEN snapshot_at = '{day_end}' THEN 23
                    WHEN substr(snapshot_at, 15) = '00:00.000Z' THEN cast(substr(snapshot_at, 12, 2) AS integer) - 1
                    ELSE cast(substr(snapshot_at, 12, 2) AS integer) END AS hour,
          snapshot_at, cnt - coalesce(lag(cnt) OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at), 0) AS requests FROM (
          SELECT snapshot_at, domain_name, method, template, max(request_count) AS cnt
          FROM endpoints WHERE dt BETWEEN '{prev_day}' AND '{next_day}' GROUP BY 1, 2, 3, 4) a) b
      WHERE snapshot_at > '{day}T00:00:00.000Z' AND snapshot_at <= '{day_end}'
      GROUP BY hour ORDER BY hour`,
  latestDay: `SELECT max(substr(window_start, 1, 10)) AS day FROM risk_events`,
} as const;

const DAY = 86_400_000;

export type ReportQuery = keyof typeof REPORT_QUERIES;

export type Row = Record<string, unknown>;
export type ReportData = Record<Exclude<ReportQuery, 'latestDay'>, Row[]> & { day: string; generatedAt: string };

/** Runs every report query through `run` (Athena in Lambda, DuckDB locally). */
export async function collectReportData(day: string, run: (sql: string) => Promise<Row[]>, generatedAt: string): Promise<ReportData> {
  const out: Partial<ReportData> = { day, generatedAt };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new RangeError(`report day "${day}" is not a date (YYYY-MM-DD)`);
  const t = Date.parse(`${day}T00:00:00Z`);
  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const fill = (sql: string) => sql.replaceAll('{day_end}', `${dayOf(t + DAY)}T00:00:00.000Z`).replaceAll('{prev_day}', dayOf(t - DAY)).replaceAll('{next_day}', dayOf(t + DAY)).replaceAll('{day}', day);
  for (const [k, sql] of Object.entries(REPORT_QUERIES)) {
    if (k === 'latestDay') continue;
    (out as Record<string, unknown>)[k] = await run(fill(sql));
  }
  return out as ReportData;
}
