/**
 * The SQL behind the daily report. Written in the subset that Athena (Trino) and DuckDB both accept, so the
 * scheduled function (Athena) and `apiscope report` (DuckDB) produce the same numbers. `{day}` is the report
 * day (yyyy-MM-dd, event time).
 */
export const REPORT_QUERIES = {
  summary: `SELECT
      (SELECT count(*) FROM (SELECT DISTINCT domain_name, method, template FROM endpoints)) AS endpoints,
      (SELECT count(*) FROM (SELECT DISTINCT domain_name, method, template FROM endpoints WHERE substr(first_seen, 1, 10) = '{day}')) AS new_endpoints,
      (SELECT count(DISTINCT defect_id) FROM defects) AS defects,
      (SELECT count(DISTINCT actor_type || ':' || actor) FROM risk_events WHERE substr(window_start, 1, 10) = '{day}') AS risky_actors`,
  newEndpoints: `SELECT domain_name, method, template, min(first_seen) AS first_seen, max(request_count) AS requests
      FROM endpoints GROUP BY domain_name, method, template
      HAVING substr(min(first_seen), 1, 10) = '{day}' ORDER BY requests DESC LIMIT 50`,
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
  trafficByHour: `SELECT hour, sum(requests) AS requests FROM (
        SELECT hour, cnt - coalesce(lag(cnt) OVER (PARTITION BY domain_name, method, template ORDER BY hour), 0) AS requests FROM (
          SELECT cast(substr(snapshot_at, 12, 2) AS integer) AS hour, domain_name, method, template, max(request_count) AS cnt
          FROM endpoints WHERE substr(snapshot_at, 1, 10) = '{day}' GROUP BY 1, 2, 3, 4) a) b
      GROUP BY hour ORDER BY hour`,
  latestDay: `SELECT max(substr(window_start, 1, 10)) AS day FROM risk_events`,
} as const;

export type ReportQuery = keyof typeof REPORT_QUERIES;

export type Row = Record<string, unknown>;
export type ReportData = Record<Exclude<ReportQuery, 'latestDay'>, Row[]> & { day: string; generatedAt: string };

/** Runs every report query through `run` (Athena in Lambda, DuckDB locally). */
export async function collectReportData(day: string, run: (sql: string) => Promise<Row[]>, generatedAt: string): Promise<ReportData> {
  const out: Partial<ReportData> = { day, generatedAt };
  for (const [k, sql] of Object.entries(REPORT_QUERIES)) {
    if (k === 'latestDay') continue;
    (out as Record<string, unknown>)[k] = await run(sql.replaceAll('{day}', day.replace(/[^0-9-]/g, '')));
  }
  return out as ReportData;
}
