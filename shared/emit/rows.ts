/**
 * Rows of the findings lake: the contract users query in Athena (Glue tables) and locally with
 * `apiscope query`. Timestamps are ISO-8601 UTC strings (`2026-11-23T15:26:12.701Z`). Columns may be added;
 * these are never removed or renamed.
 */
export interface EndpointRow {
  domain_name: string;
  method: string;
  template: string;
  /** Null on `spec_status = orphan` rows: an operation of the imported spec that no request has called. */
  first_seen: string | null;
  last_seen: string | null;
  request_count: number;
  /** Snapshot time (event time of the window that produced it). */
  snapshot_at: string;
  status_2xx: number;
  status_3xx: number;
  status_4xx: number;
  status_5xx: number;
  auth_requests: number;
  unauth_requests: number;
  distinct_callers: number;
  sensitive_types: string[];
  param_types: Record<string, string>;
  is_file_asset: boolean;
  file_types: string[];
  resp_bytes_p50: number;
  resp_bytes_max: number;
  spec_status: string;
  source: string;
}

export interface DefectRow {
  defect_id: string;
  defect_type: string;
  severity: Severity;
  status: 'open' | 'resolved' | 'reopened';
  domain_name: string;
  method: string;
  template: string;
  first_seen: string;
  last_seen: string;
  owasp: string;
  occurrences: number;
  title: string;
  fix: string;
  /** JSON string: what fired, masked samples, counts, baseline. */
  evidence: string;
  /**
   * Triage status of the defect as the pipeline knew it when it wrote the row (read per invocation, at most a
   * minute old); absent when it runs without a triage store. The API joins the live state at read time, but
   * Athena cannot read DynamoDB: a query that leaves out false positives needs the status in the row.
   */
  triage_status?: string;
}

export interface RiskEventRow {
  actor_type: 'ip' | 'principal' | 'api_key' | 'ua_fingerprint';
  actor: string;
  window_start: string;
  window_end: string;
  score: number;
  severity: Severity;
  scenario: string;
  detectors: string[];
  domain_name: string;
  /** JSON string: per detector, what fired, on which requests, against which baseline. */
  evidence: string;
  related_actors: string[];
  /** The incident this window belongs to (`risk:<incident_id>` in its alert); ua_fingerprint rows have none. */
  incident_id?: string;
  /** Triage status of the incident when the row was written (as defects' `triage_status`). */
  triage_status?: string;
}

export interface ActorRow {
  actor_type: string;
  actor: string;
  first_seen: string;
  last_seen: string;
  requests: number;
  risk_score: number;
  typical_templates: string[];
  typical_hours: number[];
  ips: string[];
  user_agents: string[];
  snapshot_at: string;
}

/** One file endpoint on one UTC day (discovery, when the day is over): who downloaded what it serves. */
export interface FileAssetRow {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  domain_name: string;
  method: string;
  template: string;
  file_types: string[];
  /** Requests of the day, whatever their answer. */
  requests: number;
  /** Requests answered 2xx: files served. */
  downloads: number;
  /** Downloads with neither principal nor API key. */
  unauth_downloads: number;
  /** Response bytes of the downloads. */
  bytes_total: number;
  /** Approximate distinct principals (principal id, else API key id) and source IPs among the downloads. */
  distinct_principals: number;
  distinct_ips: number;
  /** The heaviest downloaders (top 10, space-saving counts): identifiers as stored everywhere (masked tokens). */
  top_principals: Record<string, number>;
  top_ips: Record<string, number>;
  /** Sensitive data kinds seen in the day's paths and queries of this endpoint. */
  sensitive_types: string[];
  /** First and last request of the day. */
  first_seen: string;
  last_seen: string;
  /** When the row was written (event time): the day's end, or the end of a replay for the day it stopped in. */
  snapshot_at: string;
}

/**
 * A change of the inventory (discovery): an endpoint added or removed, or merged, split or renamed by template
 * inference or an override, with the templates and endpoint keys before and after, so that findings keyed by
 * the old template (a defect's id) can be followed to the new one.
 */
export interface EndpointChangeRow {
  /** Event time of the change: the first request of an added endpoint, the window of an inference. */
  changed_at: string;
  change: 'added' | 'removed' | 'merge' | 'split' | 'rename';
  domain_name: string;
  method: string;
  /** The endpoint's template after the change (before it, for `removed`). */
  template: string;
  before_templates: string[];
  after_template: string | null;
  /** `<domain> <method> <template>` of each side. */
  before_keys: string[];
  after_key: string | null;
  /** `traffic` (added), `inference`, `override`, or `not_an_endpoint` (removed: only 403/404 answers). */
  reason: string;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/**
 * An alert before it goes to SNS (or the local sink). `dedupKey` is its identity: one incident, defect or
 * campaign alerts once per severity it reaches, so an escalation has a key of its own.
 */
export interface Alert {
  dedupKey: string;
  subject: string;
  severity: Severity;
  /**
   * `defect_resolved` is the notice that a defect resolved (for ticket systems and those who opt in), not a
   * finding: it is sent whatever its severity (see planAlerts).
   */
  kind: 'defect' | 'risk' | 'defect_resolved';
  body: Record<string, unknown>;
  /** Event time of the finding that raised it. */
  ts: number;
  /** Set on an escalation: the severity the same incident, defect or campaign had alerted (or stood) at before. */
  escalatedFrom?: Severity;
}

/** The higher of two severities. */
export const higherSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_ORDER[b] > SEVERITY_ORDER[a] ? b : a);
/** Whether `s` is at or above `min`. */
export const severityAtLeast = (s: Severity, min: Severity): boolean => SEVERITY_ORDER[s] >= SEVERITY_ORDER[min];

export type TableName = 'endpoints' | 'defects' | 'risk_events' | 'actors' | 'file_assets' | 'endpoint_changes' | 'quarantine';
