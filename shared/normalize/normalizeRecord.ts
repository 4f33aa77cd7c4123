import type { AccessEvent, NormalizeResult, RejectReason } from './types.ts';
import { DEFAULT_FIELD_MAPPING, type FieldMapping } from './fieldMapping.ts';
import { cutAt } from './cutAt.ts';

export interface NormalizeOptions {
  mapping?: FieldMapping;
  /**
   * Reference time for the plausibility check, usually the CloudWatch Logs event timestamp. A request whose
   * `requestTimeEpoch` is further than `maxSkewMs` from it is rejected as `timestamp_out_of_range`.
   */
  referenceTs?: number;
  maxSkewMs?: number;
  /**
   * When the record reached the stream (Kinesis `approximateArrivalTimestamp`, set by Kinesis, not by the
   * producer). A request cannot have been made after its log arrived: one more than `maxFutureMs` after it
   * is rejected as `timestamp_out_of_range`, so that no single line can move event time ahead.
   */
  arrivalTs?: number;
  maxFutureMs?: number;
  /**
   * A log event without its CloudWatch Logs timestamp is bounded by the arrival on the other side too: older
   * than this before it is more than CloudWatch Logs accepts (14 days) and is rejected.
   */
  maxAgeMs?: number;
  /** Canonical string for the few-valued fields (domain, stage, protocol, route, user agent); see createInterner. */
  intern?: (s: string) => string;
}

/**
 * CloudWatch Logs' own limit for one log event (256 KB): a longer message cannot be one, so it is rejected
 * whole. Anything up to it is parsed, and its oversized fields are cut (see FIELD_CAPS).
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Longest value kept per field; a longer one is cut, and the event says which (`truncated`). */
export const FIELD_CAPS = {
  requestId: 128, ip: 64, httpMethod: 16, path: 2048, query: 2048, resourcePath: 2048, protocol: 32, userAgent: 512,
  principalId: 256, apiKeyId: 128, domainName: 253, stage: 128, errorMessage: 1024,
} as const;
export const MAX_SAMPLE = 2048;
/** Clock skew allowed between the gateway and the stream. */
export const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;
/** CloudWatch Logs takes no event older than 14 days; one more day for the gateway's own delay. */
export const DEFAULT_MAX_AGE_MS = 15 * 86_400_000;
/** Without a reference time, accept 2010..2100 (exclusive): older or later values are corrupt, not late. */
const MIN_TS = Date.UTC(2010, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);
const DAY = 86_400_000;
/** Arrival times before this are placeholders (0 in hand-made records), not a stream's clock. */
const PLAUSIBLE_ARRIVAL = MIN_TS;

const reject = (reason: RejectReason, detail: string, raw: string): NormalizeResult => ({
  ok: false,
  rejection: { reason, detail, sample: raw.length > MAX_SAMPLE ? cutAt(raw, MAX_SAMPLE) + `...(${raw.length} chars)` : raw },
});

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Parses API Gateway's CLF time `23/Nov/2026:00:00:01 +0000`; returns NaN when it is not one. */
export function parseClfTime(s: string): number {
  const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m || MONTHS[m[2]] === undefined) return NaN;
  const utc = Date.UTC(+m[3], MONTHS[m[2]], +m[1], +m[4], +m[5], +m[6]);
  const off = (+m[8] * 60 + +m[9]) * 60_000 * (m[7] === '+' ? 1 : -1);
  return utc - off;
}

const same = (s: string) => s;

/** Fields cut by {@link cap} in the line being normalized (one line at a time: no closure per line). */
let cutFields: string | undefined;

function cap(v: string, field: keyof typeof FIELD_CAPS): string {
  const max = FIELD_CAPS[field];
  if (v.length <= max) return v;
  cutFields = cutFields === undefined ? field : `${cutFields},${field}`;
  return cutAt(v, max);
}

const scalar = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string' || typeof v === 'number';

const wrongType = (k: string, v: unknown, raw: string): NormalizeResult => reject('wrong_type', `field "${k}" is ${Array.isArray(v) ? 'an array' : typeof v}`, raw);

/** Methods arrive upper-case ASCII: only a line whose method is not pays for a new string. */
function upper(s: string): string {
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if ((c >= 97 && c <= 122) || c > 127) return s.toUpperCase(); }
  return s;
}

function str(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v === '-' || v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // Objects and arrays in a field that is not checked by scalar(): as good as missing.
  return null;
}

function num(v: unknown): number | null {
  const s = str(v);
  if (s === null) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
}

/** `$context.routeKey` of HTTP APIs is `GET /pets/{id}` or `$default`; greedy routes tell nothing. */
export function cleanResourcePath(rp: string | null): string | null {
  if (!rp) return null;
  let r = rp;
  const sp = r.indexOf(' ');
  if (sp > 0 && /^[A-Z]+$|^ANY$/.test(r.slice(0, sp))) r = r.slice(sp + 1);
  if (!r.startsWith('/') || r.includes('+}')) return null;
  return r;
}

/** Removes the `/<stage>` prefix that execute-api domains put in `$context.path`. */
export function stripStage(path: string, domainName: string, stage: string): string {
  if (!stage || !domainName.includes('.execute-api.')) return path;
  const pre = '/' + stage;
  if (path === pre) return '/';
  return path.startsWith(pre + '/') ? path.slice(pre.length) : path;
}

/**
 * Turns one access-log message (a JSON string) into an {@link AccessEvent}, or says precisely why not.
 * Never throws: bad input is data to count and quarantine.
 *
 * @example
 * const r = normalizeRecord('{"requestId":"a","requestTimeEpoch":"1795392000940",...}');
 * if (r.ok) use(r.event); else quarantine(r.rejection);
 */
export function normalizeRecord(raw: string, opts: NormalizeOptions = {}): NormalizeResult {
  if (raw.length > MAX_MESSAGE_BYTES) return reject('field_too_large', `message is ${raw.length} chars, more than a CloudWatch Logs event can hold (${MAX_MESSAGE_BYTES})`, raw);
  if (raw.includes('\uFFFD')) return reject('invalid_utf8', 'message holds bytes that are not valid UTF-8', raw);
  const first = raw.charCodeAt(0);
  if (first !== 123 /* { */) {
    const t = raw.trimStart();
    if (!t.startsWith('{')) return reject(t.startsWith('[') || t.startsWith('"') ? 'not_object' : 'unknown_format', 'not a JSON access-log object (is the stage using the recommended JSON format?)', raw);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch (e) {
    return reject('not_json', (e as Error).message, raw);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return reject('not_object', 'JSON value is not an object', raw);
  const o = obj as Record<string, unknown>;
  const m = opts.mapping ?? DEFAULT_FIELD_MAPPING;
  // Each field read once (no key list per line): these must be scalars, or the line is not an access log.
  const rawId = o[m.requestId], rawMethod = o[m.httpMethod], rawPathV = o[m.path], rawStatus = o[m.status], rawIp = o[m.ip];
  if (!scalar(rawId)) return wrongType(m.requestId, rawId, raw);
  if (!scalar(rawMethod)) return wrongType(m.httpMethod, rawMethod, raw);
  if (!scalar(rawPathV)) return wrongType(m.path, rawPathV, raw);
  if (!scalar(rawStatus)) return wrongType(m.status, rawStatus, raw);
  if (!scalar(rawIp)) return wrongType(m.ip, rawIp, raw);
  const requestId = str(rawId);
  const method = str(rawMethod);
  const rawPath = str(rawPathV);
  const ip = str(rawIp);
  if (!requestId || !method || !rawPath || !ip) {
    const miss = [!requestId && m.requestId, !method && m.httpMethod, !rawPath && m.path, !ip && m.ip].filter(Boolean).join(', ');
    return reject('missing_field', `missing ${miss}`, raw);
  }
  if (!rawPath.startsWith('/')) return reject('wrong_type', `field "${m.path}" does not start with "/"`, raw);
  let ts = num(o[m.requestTimeEpoch]);
  if (ts === null) {
    const t = str(o[m.requestTime]);
    ts = t ? parseClfTime(t) : null;
  }
  if (ts === null) return reject('missing_field', `missing ${m.requestTimeEpoch} and ${m.requestTime}`, raw);
  if (!Number.isFinite(ts)) return reject('bad_timestamp', `unparseable time "${String(o[m.requestTimeEpoch] ?? o[m.requestTime])}"`, raw);
  if (ts < 1e11) ts *= 1000; // seconds, as some custom formats log it
  if (ts < MIN_TS || ts >= MAX_TS) return reject('timestamp_out_of_range', `request time ${ts} outside 2010..2100`, raw);
  if (opts.referenceTs !== undefined) {
    const skew = opts.maxSkewMs ?? DAY;
    if (Math.abs(ts - opts.referenceTs) > skew) return reject('timestamp_out_of_range', `request time ${new Date(ts).toISOString()} is more than ${skew / 3_600_000} h from the log event time`, raw);
  }
  const arrival = opts.arrivalTs;
  if (arrival !== undefined && arrival >= PLAUSIBLE_ARRIVAL) {
    const ahead = opts.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
    if (ts - arrival > ahead) return reject('timestamp_out_of_range', `request time ${new Date(ts).toISOString()} is after the record reached the stream (${new Date(arrival).toISOString()}, ${ahead / 60_000} min skew allowed)`, raw);
    const age = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    if (opts.referenceTs === undefined && arrival - ts > age) return reject('timestamp_out_of_range', `request time ${new Date(ts).toISOString()} is more than ${age / 86_400_000} days before the record reached the stream`, raw);
  }
  const status = num(rawStatus);
  if (status === null || !Number.isInteger(status) || status < 100 || status > 599) return reject('wrong_type', `status "${String(rawStatus)}" is not an HTTP status`, raw);
  // Oversized fields are cut, not the line rejected: an attacker padding the user agent must not vanish from the
  // analysis. Which fields were cut travels with the event.
  cutFields = undefined;
  const domainName = cap(str(o[m.domainName]) ?? '-', 'domainName');
  const stage = cap(str(o[m.stage]) ?? '', 'stage');
  const q = rawPath.indexOf('?');
  const pathOnly = cap(q >= 0 ? rawPath.slice(0, q) : rawPath, 'path');
  const ua = cap(str(o[m.userAgent]) ?? '', 'userAgent');
  const err = str(o[m.errorMessage]);
  const len = num(o[m.responseLength]);
  const il = num(o[m.integrationLatency]);
  const rl = num(o[m.responseLatency]);
  const intern = opts.intern ?? same;
  const rp = str(o[m.resourcePath]);
  const resourcePath = cleanResourcePath(rp === null ? null : cap(rp, 'resourcePath'));
  const principalId = str(o[m.principalId]);
  const apiKeyId = str(o[m.apiKeyId]);
  const ev: AccessEvent = {
    requestId: cap(requestId, 'requestId'),
    ts: Math.trunc(ts),
    ip: cap(ip, 'ip'),
    method: upper(cap(method, 'httpMethod')),
    path: stripStage(pathOnly, domainName, stage),
    query: q >= 0 ? cap(rawPath.slice(q + 1), 'query') : '',
    resourcePath: resourcePath === null ? null : intern(resourcePath),
    status,
    protocol: intern(cap(str(o[m.protocol]) ?? '', 'protocol')),
    responseLength: len !== null && Number.isFinite(len) ? len : 0,
    userAgent: intern(ua),
    principalId: principalId === null ? null : cap(principalId, 'principalId'),
    apiKeyId: apiKeyId === null ? null : cap(apiKeyId, 'apiKeyId'),
    integrationLatency: il !== null && Number.isFinite(il) ? il : null,
    responseLatency: rl !== null && Number.isFinite(rl) ? rl : null,
    domainName: intern(domainName),
    stage: intern(stage),
    errorMessage: err ? cap(err, 'errorMessage') : null,
    truncated: cutFields,
  };
  return { ok: true, event: ev };
}
