import type { AccessEvent } from '../normalize/types.ts';

/**
 * Window buffers hold events as rows (arrays in this field order) rather than objects: the keys were 40% of
 * every buffer's bytes, and stringifying arrays costs half as much CPU as objects, on every event.
 */
const FIELDS = ['requestId', 'ts', 'ip', 'method', 'path', 'query', 'resourcePath', 'status', 'protocol', 'responseLength', 'userAgent', 'principalId', 'apiKeyId', 'integrationLatency', 'responseLatency', 'domainName', 'stage', 'errorMessage'] as const satisfies ReadonlyArray<keyof AccessEvent>;

/**
 * Few-valued string fields, written once per buffer in `dict` and as an index in each row: they were half of
 * a row's bytes, and with interned strings (see createInterner) the look-up is cheaper than stringifying them.
 */
const CODED = ['resourcePath', 'protocol', 'userAgent', 'domainName', 'stage'] as const satisfies ReadonlyArray<keyof AccessEvent>;

/** 2: coded fields (`drows`, so that a reader of version 1 fails instead of reading indices as values). */
export const EVENT_ROW_VERSION = 2;

export interface EventRows {
  v: 1 | 2;
  fields: readonly string[];
  /** Version 1. */
  rows?: unknown[][];
  /** Version 2: rows whose `coded` fields hold an index into `dict` (or null). */
  drows?: unknown[][];
  coded?: readonly string[];
  dict?: readonly string[];
}

/** @example encodeJson(toEventRows(events)) */
export function toEventRows(events: readonly AccessEvent[]): EventRows {
  const ids = new Map<string, number>();
  const dict: string[] = [];
  const code = (s: string | null): number | null => {
    if (s === null) return null;
    let i = ids.get(s);
    if (i === undefined) { i = dict.length; dict.push(s); ids.set(s, i); }
    return i;
  };
  const drows: unknown[][] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    // A literal, not FIELDS.map: no closure call per field.
    drows[i] = [e.requestId, e.ts, e.ip, e.method, e.path, e.query, code(e.resourcePath), e.status, code(e.protocol), e.responseLength, code(e.userAgent), e.principalId, e.apiKeyId, e.integrationLatency, e.responseLatency, code(e.domainName), code(e.stage), e.errorMessage];
  }
  return { v: EVENT_ROW_VERSION, fields: FIELDS, coded: CODED, dict, drows };
}

/** Reads a decoded buffer: rows as written by {@link toEventRows} (either version), or a plain array of events (oldest buffers). */
export function fromEventRows(value: EventRows | AccessEvent[]): AccessEvent[] {
  if (Array.isArray(value)) return value;
  const idx = FIELDS.map((f) => value.fields.indexOf(f));
  const missing = FIELDS.filter((_, i) => idx[i] < 0);
  if (missing.length) throw new Error(`window buffer lacks fields ${missing.join(', ')}`);
  const rows = value.drows ?? value.rows;
  if (!Array.isArray(rows)) throw new Error(`window buffer version ${String(value.v)} has no rows`);
  const coded = new Set(value.drows ? (value.coded ?? []) : []);
  const dict = value.dict ?? [];
  const decode = FIELDS.map((f) => coded.has(f));
  return rows.map((r) => {
    const e = {} as Record<string, unknown>;
    for (let i = 0; i < FIELDS.length; i++) {
      const v = r[idx[i]];
      if (!decode[i] || v === null) { e[FIELDS[i]] = v; continue; }
      if (typeof v !== 'number' || !(v >= 0 && v < dict.length)) throw new Error(`window buffer field ${FIELDS[i]} refers to a missing dictionary entry ${String(v)}`);
      e[FIELDS[i]] = dict[v];
    }
    return e as unknown as AccessEvent;
  });
}
