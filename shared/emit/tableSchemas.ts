/**
 * Column lists of the findings lake, shared by the Glue tables (infra) and the local DuckDB views
 * (`apiscope query`), so that an Athena query from the README runs unchanged on both.
 * Types are Hive/Athena types; `dt` (DATE-like string yyyy-MM-dd, UTC) is the only partition column: rows carry
 * their own ISO-8601 times for anything finer.
 */
export type ColumnType = 'string' | 'bigint' | 'double' | 'boolean' | 'array<string>' | 'array<int>' | 'map<string,string>' | 'map<string,bigint>';

export interface TableSchema {
  name: string;
  /** S3 prefix under the findings bucket: `<prefix>/dt=YYYY-MM-DD/*.json.gz`. */
  prefix: string;
  description: string;
  columns: Array<{ name: string; type: ColumnType; comment: string }>;
}

export const TABLES: TableSchema[] = [
  {
    name: 'endpoints',
    prefix: 'endpoints',
    description: 'API inventory: one row per endpoint per snapshot (hourly, event time).',
    columns: [
      { name: 'domain_name', type: 'string', comment: 'API domain (custom domain or execute-api host)' },
      { name: 'method', type: 'string', comment: 'HTTP method' },
      { name: 'template', type: 'string', comment: 'path template, e.g. /v1/users/{userId}' },
      { name: 'first_seen', type: 'string', comment: 'ISO-8601 UTC' },
      { name: 'last_seen', type: 'string', comment: 'ISO-8601 UTC' },
      { name: 'request_count', type: 'bigint', comment: 'requests since first seen' },
      { name: 'snapshot_at', type: 'string', comment: 'ISO-8601 UTC event time of the snapshot' },
      { name: 'status_2xx', type: 'bigint', comment: '' },
      { name: 'status_3xx', type: 'bigint', comment: '' },
      { name: 'status_4xx', type: 'bigint', comment: '' },
      { name: 'status_5xx', type: 'bigint', comment: '' },
      { name: 'auth_requests', type: 'bigint', comment: 'requests with a principal or API key' },
      { name: 'unauth_requests', type: 'bigint', comment: 'requests with neither' },
      { name: 'distinct_callers', type: 'bigint', comment: 'approximate distinct callers' },
      { name: 'sensitive_types', type: 'array<string>', comment: 'sensitive data kinds seen in the path or query' },
      { name: 'param_types', type: 'map<string,string>', comment: 'path parameter -> inferred type' },
      { name: 'is_file_asset', type: 'boolean', comment: 'serves file downloads' },
      { name: 'file_types', type: 'array<string>', comment: 'file extensions served' },
      { name: 'resp_bytes_p50', type: 'bigint', comment: '' },
      { name: 'resp_bytes_max', type: 'bigint', comment: '' },
      { name: 'spec_status', type: 'string', comment: 'in_spec | shadow | deprecated | orphan | no_spec' },
      { name: 'source', type: 'string', comment: 'verified (spec/override) | inferred' },
    ],
  },
  {
    name: 'defects',
    prefix: 'defects',
    description: 'Defect findings with lifecycle; one row per state change or occurrence update.',
    columns: [
      { name: 'defect_id', type: 'string', comment: 'stable id per (type, endpoint)' },
      { name: 'defect_type', type: 'string', comment: '' },
      { name: 'severity', type: 'string', comment: 'info | low | medium | high | critical' },
      { name: 'status', type: 'string', comment: 'open | resolved | reopened' },
      { name: 'domain_name', type: 'string', comment: '' },
      { name: 'method', type: 'string', comment: '' },
      { name: 'template', type: 'string', comment: '' },
      { name: 'first_seen', type: 'string', comment: 'ISO-8601 UTC' },
      { name: 'last_seen', type: 'string', comment: 'ISO-8601 UTC' },
      { name: 'owasp', type: 'string', comment: 'OWASP API Security Top 10 (2023) item, e.g. API2:2023' },
      { name: 'occurrences', type: 'bigint', comment: '' },
      { name: 'title', type: 'string', comment: '' },
      { name: 'fix', type: 'string', comment: 'plain-language remediation' },
      { name: 'evidence', type: 'string', comment: 'JSON: masked samples, counts, baseline' },
      { name: 'triage_status', type: 'string', comment: 'triage status when the row was written (open, acknowledged, in_progress, accepted_risk, false_positive, fixed); null without triage' },
    ],
  },
  {
    name: 'risk_events',
    prefix: 'risk_events',
    description: 'Risky callers: one row per actor incident window.',
    columns: [
      { name: 'actor_type', type: 'string', comment: 'ip | principal | api_key | ua_fingerprint' },
      { name: 'actor', type: 'string', comment: 'the identifier as logged' },
      { name: 'window_start', type: 'string', comment: 'ISO-8601 UTC event time' },
      { name: 'window_end', type: 'string', comment: 'ISO-8601 UTC event time' },
      { name: 'score', type: 'bigint', comment: '0-100' },
      { name: 'severity', type: 'string', comment: '' },
      { name: 'scenario', type: 'string', comment: 'attack scenario it most resembles' },
      { name: 'detectors', type: 'array<string>', comment: 'detectors that fired' },
      { name: 'domain_name', type: 'string', comment: '' },
      { name: 'evidence', type: 'string', comment: 'JSON: per detector, requests/counts and baseline' },
      { name: 'related_actors', type: 'array<string>', comment: 'actors correlated in the same incident' },
      { name: 'incident_id', type: 'string', comment: 'the incident this window belongs to (the id in its alert, risk:<incident_id>); what triage of incidents is keyed by' },
      { name: 'triage_status', type: 'string', comment: 'triage status of the incident when the row was written; null without triage' },
    ],
  },
  {
    name: 'actors',
    prefix: 'actors',
    description: 'Actor profiles (typical endpoints, hours, IPs, clients).',
    columns: [
      { name: 'actor_type', type: 'string', comment: '' },
      { name: 'actor', type: 'string', comment: '' },
      { name: 'first_seen', type: 'string', comment: '' },
      { name: 'last_seen', type: 'string', comment: '' },
      { name: 'requests', type: 'bigint', comment: '' },
      { name: 'risk_score', type: 'bigint', comment: '' },
      { name: 'typical_templates', type: 'array<string>', comment: '' },
      { name: 'typical_hours', type: 'array<int>', comment: '' },
      { name: 'ips', type: 'array<string>', comment: '' },
      { name: 'user_agents', type: 'array<string>', comment: '' },
      { name: 'snapshot_at', type: 'string', comment: '' },
    ],
  },
  {
    name: 'file_assets',
    prefix: 'file_assets',
    description: 'File endpoints: one row per endpoint serving files and UTC day, with downloads and who took them.',
    columns: [
      { name: 'day', type: 'string', comment: 'UTC day yyyy-MM-dd of the figures (dt is the day the row was written: the same, unless the day ended in a quiet stream)' },
      { name: 'domain_name', type: 'string', comment: '' },
      { name: 'method', type: 'string', comment: '' },
      { name: 'template', type: 'string', comment: 'path template of the file endpoint' },
      { name: 'file_types', type: 'array<string>', comment: 'file extensions served' },
      { name: 'requests', type: 'bigint', comment: 'requests of the day, any answer' },
      { name: 'downloads', type: 'bigint', comment: 'requests answered 2xx' },
      { name: 'unauth_downloads', type: 'bigint', comment: 'downloads with neither principal nor API key' },
      { name: 'bytes_total', type: 'bigint', comment: 'response bytes of the downloads' },
      { name: 'distinct_principals', type: 'bigint', comment: 'approximate distinct principals (principal id, else API key id) among the downloads' },
      { name: 'distinct_ips', type: 'bigint', comment: 'approximate distinct source IPs among the downloads' },
      { name: 'top_principals', type: 'map<string,bigint>', comment: 'top 10 downloading principals -> downloads (masked as stored)' },
      { name: 'top_ips', type: 'map<string,bigint>', comment: 'top 10 downloading IPs -> downloads' },
      { name: 'sensitive_types', type: 'array<string>', comment: 'sensitive data kinds seen in the day\'s paths and queries' },
      { name: 'first_seen', type: 'string', comment: 'first request of the day, ISO-8601 UTC' },
      { name: 'last_seen', type: 'string', comment: 'last request of the day, ISO-8601 UTC' },
      { name: 'snapshot_at', type: 'string', comment: 'when written (event time): the day\'s end, or where a replay stopped; the latest per endpoint and day counts' },
    ],
  },
  {
    name: 'endpoint_changes',
    prefix: 'endpoint_changes',
    description: 'Inventory changes: endpoints added or removed, merged, split or renamed, with templates and keys before and after.',
    columns: [
      { name: 'changed_at', type: 'string', comment: 'ISO-8601 UTC event time of the change' },
      { name: 'change', type: 'string', comment: 'added | removed | merge | split | rename' },
      { name: 'domain_name', type: 'string', comment: '' },
      { name: 'method', type: 'string', comment: '' },
      { name: 'template', type: 'string', comment: 'the template after the change (the removed one, for removed)' },
      { name: 'before_templates', type: 'array<string>', comment: 'templates before (empty for added)' },
      { name: 'after_template', type: 'string', comment: 'template after (null for removed)' },
      { name: 'before_keys', type: 'array<string>', comment: 'endpoint keys before, "<domain> <method> <template>"' },
      { name: 'after_key', type: 'string', comment: 'endpoint key after (null for removed)' },
      { name: 'reason', type: 'string', comment: 'traffic | inference | override | not_an_endpoint' },
    ],
  },
  {
    name: 'quarantine',
    prefix: 'quarantine',
    description: 'Rejected input records with the reason, for inspection.',
    columns: [
      { name: 'reason', type: 'string', comment: 'why the record was rejected' },
      { name: 'detail', type: 'string', comment: '' },
      { name: 'sample', type: 'string', comment: 'the record, truncated' },
      { name: 'source', type: 'string', comment: 'shard/sequence or file:line' },
      { name: 'received_at', type: 'string', comment: 'ISO-8601 UTC' },
    ],
  },
];
