/**
 * Saved Athena queries over the findings lake, created as named queries in the apiscope workgroup. They use
 * only tables and columns from shared/emit/tableSchemas.ts (a test checks the table names) and always restrict
 * `dt` so that partition projection prunes the scan.
 */
export interface FindingsQuery {
  /** Construct id and the start of the query name. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Tables of TABLES the query reads. */
  readonly tables: readonly string[];
  readonly sql: string;
}

const day = (offsetDays: number) =>
  offsetDays === 0 ? `date_format(current_date, '%Y-%m-%d')` : `date_format(current_date - interval '${offsetDays}' day, '%Y-%m-%d')`;

/**
 * The file_assets rows of the last 30 days, one per endpoint and day (a day written twice, as where a replay
 * stopped and again at its end, counts as its latest row).
 */
const FILE_DAYS_30 = `SELECT * FROM (
  SELECT *, row_number() OVER (PARTITION BY domain_name, method, template, day ORDER BY snapshot_at DESC) AS rn
  FROM file_assets
  WHERE dt >= ${day(30)}
) WHERE rn = 1`;

export const FINDINGS_QUERIES: readonly FindingsQuery[] = [
  {
    id: 'NewEndpointsThisWeek',
    name: 'apiscope: new endpoints this week',
    description: 'Endpoints first seen in the last 7 days, with their spec status and traffic so far.',
    tables: ['endpoints'],
    sql: `SELECT domain_name, method, template,
       min(first_seen) AS first_seen,
       max(request_count) AS requests,
       max_by(spec_status, snapshot_at) AS spec_status,
       max_by(unauth_requests, snapshot_at) AS unauth_requests,
       max_by(sensitive_types, snapshot_at) AS sensitive_types
FROM endpoints
WHERE dt >= ${day(7)}
GROUP BY domain_name, method, template
HAVING from_iso8601_timestamp(min(first_seen)) >= current_timestamp - interval '7' day
ORDER BY first_seen DESC`,
  },
  {
    id: 'OpenDefectsBySeverity',
    name: 'apiscope: open defects by severity',
    description: 'Defects whose latest state (last 90 days) is open or reopened, counted by severity.',
    tables: ['defects'],
    sql: `WITH latest AS (
  SELECT defect_id,
         max_by(status, last_seen) AS status,
         max_by(severity, last_seen) AS severity,
         max_by(defect_type, last_seen) AS defect_type
  FROM defects
  WHERE dt >= ${day(90)}
  GROUP BY defect_id
)
SELECT severity, count(*) AS open_defects, array_agg(DISTINCT defect_type) AS defect_types
FROM latest
WHERE status IN ('open', 'reopened')
GROUP BY severity
ORDER BY CASE severity WHEN 'critical' THEN 1 WHEN 'high' THEN 2 WHEN 'medium' THEN 3 WHEN 'low' THEN 4 ELSE 5 END`,
  },
  {
    id: 'TopRiskyActorsToday',
    name: 'apiscope: top risky actors today',
    description: 'Actors with the highest risk score today (UTC), with the scenarios and detectors that fired.',
    tables: ['risk_events'],
    sql: `SELECT actor_type, actor,
       max(score) AS max_score,
       count(*) AS incidents,
       array_agg(DISTINCT scenario) AS scenarios,
       array_distinct(flatten(array_agg(detectors))) AS detectors,
       min(window_start) AS first_window,
       max(window_end) AS last_window
FROM risk_events
WHERE dt = ${day(0)}
GROUP BY actor_type, actor
ORDER BY max_score DESC, incidents DESC
LIMIT 50`,
  },
  {
    id: 'TrafficPerEndpointPerHour',
    name: 'apiscope: traffic per endpoint per hour',
    description: 'Requests and error counts per endpoint per hour for the last 24 hours (hourly snapshot deltas).',
    tables: ['endpoints'],
    sql: `WITH snapshots AS (
  SELECT domain_name, method, template, dt, cast(substr(snapshot_at, 12, 2) AS integer) AS hour, snapshot_at,
         request_count, status_4xx, status_5xx, unauth_requests
  FROM endpoints
  WHERE dt >= ${day(1)}
)
SELECT domain_name, method, template, dt, hour,
       request_count - coalesce(lag(request_count) OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at), 0) AS requests,
       status_4xx - coalesce(lag(status_4xx) OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at), 0) AS errors_4xx,
       status_5xx - coalesce(lag(status_5xx) OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at), 0) AS errors_5xx,
       unauth_requests - coalesce(lag(unauth_requests) OVER (PARTITION BY domain_name, method, template ORDER BY snapshot_at), 0) AS unauth_requests
FROM snapshots
ORDER BY snapshot_at DESC, requests DESC`,
  },
  {
    id: 'FileDownloads30Days',
    name: 'apiscope: file downloads, 30 days',
    description: 'Endpoints serving files over the last 30 days: downloads, anonymous downloads, bytes, busiest day and distinct downloaders (file_assets).',
    tables: ['file_assets'],
    sql: `WITH days AS (${FILE_DAYS_30})
SELECT domain_name, method, template,
       sum(downloads) AS downloads,
       sum(unauth_downloads) AS unauth_downloads,
       sum(bytes_total) AS bytes_total,
       count(*) AS days_with_requests,
       max(downloads) AS busiest_day_downloads,
       max(distinct_principals) AS max_daily_principals,
       max(distinct_ips) AS max_daily_ips,
       array_distinct(flatten(array_agg(file_types))) AS file_types,
       array_distinct(flatten(array_agg(sensitive_types))) AS sensitive_types,
       min(day) AS first_day,
       max(day) AS last_day
FROM days
GROUP BY domain_name, method, template
ORDER BY unauth_downloads DESC, downloads DESC`,
  },
  {
    id: 'FileDownloadsByCaller30Days',
    name: 'apiscope: file downloads by caller, 30 days',
    description: 'The heaviest downloaders of files over the last 30 days (each day\'s top principals and IPs per file endpoint, file_assets), with the endpoints they took files from.',
    tables: ['file_assets'],
    sql: `WITH days AS (${FILE_DAYS_30}),
callers AS (
  SELECT 'principal' AS caller_type, p.caller, d.top_principals[p.caller] AS downloads, d.template, d.day
  FROM days d CROSS JOIN UNNEST(map_keys(d.top_principals)) AS p(caller)
  UNION ALL
  SELECT 'ip' AS caller_type, i.caller, d.top_ips[i.caller] AS downloads, d.template, d.day
  FROM days d CROSS JOIN UNNEST(map_keys(d.top_ips)) AS i(caller)
)
SELECT caller_type, caller,
       sum(downloads) AS downloads,
       count(DISTINCT day) AS days,
       array_agg(DISTINCT template) AS file_endpoints
FROM callers
GROUP BY caller_type, caller
ORDER BY downloads DESC, caller_type, caller
LIMIT 100`,
  },
];
