/**
 * One API Gateway request, normalized from an access-log line. Every later stage works on this shape.
 * Times are event time (the gateway's `requestTimeEpoch`), never wall-clock time.
 */
export interface AccessEvent {
  requestId: string;
  /** Event time, epoch milliseconds. */
  ts: number;
  ip: string;
  method: string;
  /** Request path without the `/<stage>` prefix of execute-api domains and without the query string. */
  path: string;
  /** Raw query string (without `?`), or '' when none. */
  query: string;
  /** Route template from the gateway, or null when absent or a greedy `{proxy+}` route. */
  resourcePath: string | null;
  status: number;
  protocol: string;
  responseLength: number;
  userAgent: string;
  principalId: string | null;
  apiKeyId: string | null;
  integrationLatency: number | null;
  responseLatency: number | null;
  domainName: string;
  stage: string;
  errorMessage: string | null;
  /**
   * The fields that were over their cap and cut (`userAgent,errorMessage`, names as in the recommended
   * format); undefined when none was. The normalizer always sets the property, so that every event has it.
   */
  truncated?: string;
}

/** Why a record was rejected; counted in metrics and kept in quarantine. */
export type RejectReason =
  | 'bad_base64'
  | 'bad_gzip'
  | 'bad_envelope'
  | 'not_json'
  | 'not_object'
  | 'missing_field'
  | 'wrong_type'
  | 'bad_timestamp'
  | 'timestamp_out_of_range'
  | 'field_too_large'
  | 'invalid_utf8'
  | 'unknown_format';

export interface Rejection {
  reason: RejectReason;
  detail: string;
  /** The offending input, truncated for quarantine (and masked before it is stored). */
  sample: string;
}

export type NormalizeResult = { ok: true; event: AccessEvent } | { ok: false; rejection: Rejection };
