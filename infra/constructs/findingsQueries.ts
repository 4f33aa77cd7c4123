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
    id: 'FileDownloadsByCaller30Days',
    name: 'apiscope: file downloads by caller, 30 days',
    description: 'Callers whose typical endpoints serve files, over the last 30 days, with their request volume and risk.',
    tables: ['actors', 'endpoints'],
    sql: `WITH file_endpoints AS (
  SELECT DISTINCT template, file_types
  FROM endpoints
  WHERE dt >= ${day(30)} AND is_file_asset
),
callers AS (
  SELECT actor_type, actor,
         max_by(typical_templates, snapshot_at) AS templates,
         max(requests) AS requests,
         max(risk_score) AS risk_score
  FROM actors
  WHERE dt >= ${day(30)}
  GROUP BY actor_type, actor
)
SELECT c.actor_type, c.actor, c.requests, c.risk_score,
       array_agg(DISTINCT f.template) AS file_endpoints,
       array_distinct(flatten(array_agg(f.file_types))) AS file_types
FROM callers c
CROSS JOIN UNNEST(c.templates) AS t(template)
JOIN file_endpoints f ON f.template = t.template
GROUP BY c.actor_type, c.actor, c.requests, c.risk_score
ORDER BY c.requests DESC
LIMIT 100`,
  },
];
