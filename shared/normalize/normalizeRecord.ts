import type { AccessEvent, NormalizeResult, RejectReason } from './types.ts';
import { DEFAULT_FIELD_MAPPING, type FieldMapping } from './fieldMapping.ts';

export interface NormalizeOptions {
  mapping?: FieldMapping;
  /**
   * Reference time for the plausibility check, usually the CloudWatch Logs event timestamp. A request whose
   * `requestTimeEpoch` is further than `maxSkewMs` from it is rejected as `timestamp_out_of_range`.
   */
  referenceTs?: number;
  maxSkewMs?: number;
  /** Canonical string for the few-valued fields (domain, stage, protocol, route, user agent); see createInterner. */
  intern?: (s: string) => string;
}

/** Messages longer than this are not access-log lines we can trust (a 1 MB user agent, a stack dump). */
export const MAX_MESSAGE_BYTES = 16 * 1024;
const MAX_UA = 512;
const MAX_ERROR = 1024;
const MAX_PATH = 2048;
/** Without a reference time, accept 2010..2100: older or later values are corrupt, not late. */
const MIN_TS = Date.UTC(2010, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);
const DAY = 86_400_000;

const reject = (reason: RejectReason, detail: string, raw: string): NormalizeResult => ({
  ok: false,
  rejection: { reason, detail, sample: raw.length > 2048 ? raw.slice(0, 2048) + `...(${raw.length} chars)` : raw },
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
  return undefined as never;
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
  if (raw.length > MAX_MESSAGE_BYTES) return reject('field_too_large', `message is ${raw.length} chars (max ${MAX_MESSAGE_BYTES})`, raw);
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
  if (rawPath.length > MAX_PATH) return reject('field_too_large', `path is ${rawPath.length} chars`, raw);
  let ts = num(o[m.requestTimeEpoch]);
  if (ts === null) {
    const t = str(o[m.requestTime]);
    ts = t ? parseClfTime(t) : null;
  }
  if (ts === null) return reject('missing_field', `missing ${m.requestTimeEpoch} and ${m.requestTime}`, raw);
  if (!Number.isFinite(ts)) return reject('bad_timestamp', `unparseable time "${String(o[m.requestTimeEpoch] ?? o[m.requestTime])}"`, raw);
  if (ts < 1e11) ts *= 1000; // seconds, as some custom formats log it
  if (opts.referenceTs !== undefined) {
    const skew = opts.maxSkewMs ?? DAY;
    if (Math.abs(ts - opts.referenceTs) > skew) return reject('timestamp_out_of_range', `request time ${new Date(ts).toISOString()} is more than ${skew / 3_600_000} h from the log event time`, raw);
  } else if (ts < MIN_TS || ts > MAX_TS) return reject('timestamp_out_of_range', `request time ${ts} outside 2010..2100`, raw);
  const status = num(rawStatus);
  if (status === null || !Number.isInteger(status) || status < 100 || status > 599) return reject('wrong_type', `status "${String(rawStatus)}" is not an HTTP status`, raw);
  const domainName = str(o[m.domainName]) ?? '-';
  const stage = str(o[m.stage]) ?? '';
  const q = rawPath.indexOf('?');
  const pathOnly = q >= 0 ? rawPath.slice(0, q) : rawPath;
  const ua = str(o[m.userAgent]) ?? '';
  const err = str(o[m.errorMessage]);
  const len = num(o[m.responseLength]);
  const il = num(o[m.integrationLatency]);
  const rl = num(o[m.responseLatency]);
  const intern = opts.intern ?? same;
  const resourcePath = cleanResourcePath(str(o[m.resourcePath]));
  const ev: AccessEvent = {
    requestId: requestId.slice(0, 128),
    ts: Math.trunc(ts),
    ip: ip.slice(0, 64),
    method: upper(method).slice(0, 16),
    path: stripStage(pathOnly, domainName, stage),
    query: q >= 0 ? rawPath.slice(q + 1) : '',
    resourcePath: resourcePath === null ? null : intern(resourcePath),
    status,
    protocol: intern(str(o[m.protocol]) ?? ''),
    responseLength: len !== null && Number.isFinite(len) ? len : 0,
    userAgent: intern(ua.length > MAX_UA ? ua.slice(0, MAX_UA) : ua),
    principalId: str(o[m.principalId])?.slice(0, 256) ?? null,
    apiKeyId: str(o[m.apiKeyId])?.slice(0, 128) ?? null,
    integrationLatency: il !== null && Number.isFinite(il) ? il : null,
    responseLatency: rl !== null && Number.isFinite(rl) ? rl : null,
    domainName: intern(domainName.slice(0, 253)),
    stage: intern(stage),
    errorMessage: err ? err.slice(0, MAX_ERROR) : null,
  };
  return { ok: true, event: ev };
}
