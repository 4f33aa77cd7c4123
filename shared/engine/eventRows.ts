import type { AccessEvent } from '../normalize/types.ts';

/**
 * Window buffers hold events as columns (one array per field) rather than objects: the keys were 40% of
 * every buffer's bytes, and JSON.stringify pays per array and per boxed number, not per element of an
 * array of small integers (see toEventRows).
 */
const FIELDS = ['requestId', 'ts', 'ip', 'method', 'path', 'query', 'resourcePath', 'status', 'protocol', 'responseLength', 'userAgent', 'principalId', 'apiKeyId', 'integrationLatency', 'responseLatency', 'domainName', 'stage', 'errorMessage'] as const satisfies ReadonlyArray<keyof AccessEvent>;

/** Written only by buffers that hold an event with it (most hold none); read as undefined when absent. */
const TRUNCATED = 'truncated';

/**
 * Few-valued string fields, written once per buffer in `dict` and as an index in each row: they were half of
 * a row's bytes, and with interned strings (see createInterner) the look-up is cheaper than stringifying them.
 */
const CODED = ['method', 'resourcePath', 'protocol', 'userAgent', 'domainName', 'stage'] as const satisfies ReadonlyArray<keyof AccessEvent>;

/**
 * 3: columns, times as offsets from `base`, coded fields as indices with -1 for null. 2: rows with coded fields
 * (`drows`, so that a reader of version 1 fails instead of reading indices as values). 1: plain rows.
 */
export const EVENT_ROW_VERSION = 3;

export interface EventRows {
  v: 1 | 2 | 3;
  fields: readonly string[];
  /** Version 1. */
  rows?: unknown[][];
  /** Version 2: rows whose `coded` fields hold an index into `dict` (or null). */
  drows?: unknown[][];
  coded?: readonly string[];
  dict?: readonly string[];
  /** Version 3: events in the buffer, and the event time that `ts` offsets count from. */
  n?: number;
  base?: number;
  /** Version 3: one array of `n` values per field, in `fields` order. */
  cols?: unknown[][];
}

/**
 * An epoch-millisecond time is a heap number that JSON.stringify formats as a double (about 100 ns); an offset
 * within a buffer is a small integer, as are the codes, so most columns are arrays of small integers.
 * @example encodeJson(toEventRows(events))
 */
export function toEventRows(events: readonly AccessEvent[]): EventRows {
  const ids = new Map<string, number>();
  const dict: string[] = [];
  const code = (s: string | null): number => {
    if (s === null) return -1;
    let i = ids.get(s);
    if (i === undefined) { i = dict.length; dict.push(s); ids.set(s, i); }
    return i;
  };
  const n = events.length;
  const base = n ? events[0].ts : 0;
  const requestId = new Array<string>(n), ip = new Array<string>(n), path = new Array<string>(n), query = new Array<string>(n);
  const principalId = new Array<string | null>(n), apiKeyId = new Array<string | null>(n), errorMessage = new Array<string | null>(n);
  const integrationLatency = new Array<number | null>(n), responseLatency = new Array<number | null>(n);
  // Grown by push from empty, so that V8 keeps them as arrays of small integers (a pre-sized array has holes).
  const ts: number[] = [], method: number[] = [], resourcePath: number[] = [], status: number[] = [], protocol: number[] = [];
  const responseLength: number[] = [], userAgent: number[] = [], domainName: number[] = [], stage: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i];
    requestId[i] = e.requestId; ts.push(e.ts - base); ip[i] = e.ip; method.push(code(e.method)); path[i] = e.path; query[i] = e.query;
    resourcePath.push(code(e.resourcePath)); status.push(e.status); protocol.push(code(e.protocol)); responseLength.push(e.responseLength);
    userAgent.push(code(e.userAgent)); principalId[i] = e.principalId; apiKeyId[i] = e.apiKeyId; integrationLatency[i] = e.integrationLatency;
    responseLatency[i] = e.responseLatency; domainName.push(code(e.domainName)); stage.push(code(e.stage)); errorMessage[i] = e.errorMessage;
  }
  const cols = [requestId, ts, ip, method, path, query, resourcePath, status, protocol, responseLength, userAgent, principalId, apiKeyId, integrationLatency, responseLatency, domainName, stage, errorMessage];
  if (!events.some((e) => e.truncated)) return { v: 3, fields: FIELDS, coded: CODED, dict, n, base, cols };
  cols.push(events.map((e) => e.truncated ?? null));
  return { v: 3, fields: [...FIELDS, TRUNCATED], coded: CODED, dict, n, base, cols };
}

/** Reads a decoded buffer: as written by {@link toEventRows} (any version), or a plain array of events (oldest buffers). */
export function fromEventRows(value: EventRows | AccessEvent[]): AccessEvent[] {
  if (Array.isArray(value)) return value;
  const idx = FIELDS.map((f) => value.fields.indexOf(f));
  const missing = FIELDS.filter((_, i) => idx[i] < 0);
  if (missing.length) throw new Error(`window buffer lacks fields ${missing.join(', ')}`);
  const dict = value.dict ?? [];
  const fromDict = (f: string, v: unknown): string => {
    if (typeof v !== 'number' || !(v >= 0 && v < dict.length)) throw new Error(`window buffer field ${f} refers to a missing dictionary entry ${String(v)}`);
    return dict[v];
  };
  const cut = value.fields.indexOf(TRUNCATED);
  if (value.v === 3) return fromColumns(value, idx, fromDict, cut);
  const rows = value.drows ?? value.rows;
  if (!Array.isArray(rows)) throw new Error(`window buffer version ${String(value.v)} has no rows`);
  const coded = new Set<string>(value.drows ? (value.coded ?? []) : []);
  const decode = FIELDS.map((f) => coded.has(f));
  return rows.map((r) => eventOf(FIELDS.map((f, i) => {
    const v = r[idx[i]];
    return !decode[i] || v === null ? v : fromDict(f, v);
  }), cut < 0 ? undefined : ((r[cut] as string | null) ?? undefined)));
}

/**
 * An event from its values in FIELDS order, as one literal in normalizeRecord's field order: events read back
 * share the map of those the collector made, so the stages' property reads stay monomorphic.
 */
function eventOf(v: unknown[], truncated: string | undefined): AccessEvent {
  return {
    requestId: v[0], ts: v[1], ip: v[2], method: v[3], path: v[4], query: v[5], resourcePath: v[6], status: v[7], protocol: v[8],
    responseLength: v[9], userAgent: v[10], principalId: v[11], apiKeyId: v[12], integrationLatency: v[13], responseLatency: v[14],
    domainName: v[15], stage: v[16], errorMessage: v[17], truncated,
  } as AccessEvent;
}

function fromColumns(value: EventRows, idx: number[], fromDict: (f: string, v: unknown) => string, cut: number): AccessEvent[] {
  const n = value.n, base = value.base, cols = value.cols;
  if (typeof n !== 'number' || typeof base !== 'number' || !Array.isArray(cols)) throw new Error('window buffer version 3 lacks n, base or cols');
  const col = FIELDS.map((f, i) => {
    const c = cols[idx[i]];
    if (!Array.isArray(c) || c.length !== n) throw new Error(`window buffer column ${f} does not hold ${n} values`);
    return c;
  });
  const coded = new Set<string>(value.coded ?? CODED);
  const decode = FIELDS.map((f) => coded.has(f));
  const cutCol = cut < 0 ? null : cols[cut];
  if (cutCol !== null && (!Array.isArray(cutCol) || cutCol.length !== n)) throw new Error(`window buffer column ${TRUNCATED} does not hold ${n} values`);
  const out = new Array<AccessEvent>(n);
  const v = new Array<unknown>(FIELDS.length);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < FIELDS.length; i++) {
      const x = col[i][j];
      v[i] = i === 1 ? base + (x as number) : decode[i] ? (x === -1 ? null : fromDict(FIELDS[i], x)) : x;
    }
    out[j] = eventOf(v, cutCol === null ? undefined : ((cutCol[j] as string | null) ?? undefined));
  }
  return out;
}
