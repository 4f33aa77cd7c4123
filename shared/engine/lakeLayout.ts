import type { TableName } from '../emit/rows.ts';

/** `YYYY-MM-DD` (UTC) of an event time: the one partition column the Glue tables project. */
export function dayOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Folder of one table's partition for the day of `ts`: `<table>/dt=YYYY-MM-DD/`. */
export function lakePartition(table: TableName, ts: number): string {
  return `${table}/dt=${dayOf(ts)}/`;
}

/**
 * Key of a findings object: `<table>/dt=YYYY-MM-DD/<name>.json.gz`. Partitions are whole days (no hour), so that
 * a day's hourly objects can be compacted into one (shared/engine/compactDay.ts); rows carry their own times.
 */
export function lakeKey(table: TableName, ts: number, name: string): string {
  return `${lakePartition(table, ts)}${name}.json.gz`;
}

const pad = (n: number) => String(n).padStart(15, '0');

/** Keys of the engine's own state objects (window buffers and analysis snapshots). */
export const stateKeys = {
  bufferPrefix: (analysis: string, ws: number) => `state/${analysis}/buffer/w=${pad(ws)}/`,
  buffer: (analysis: string, ws: number, batchId: string) => `state/${analysis}/buffer/w=${pad(ws)}/${batchId}.json`,
  snapshot: (analysis: string, ws: number) => `state/${analysis}/snapshot/${pad(ws)}.json`,
  snapshotPrefix: (analysis: string) => `state/${analysis}/snapshot/`,
  late: (analysis: string, batchId: string) => `state/${analysis}/late/${batchId}.json`,
};

export const padTs = pad;

/** Prefix of discovery's OpenAPI 3.1 exports, one document per API domain. */
export const OPENAPI_PREFIX = 'openapi';

/** `openapi/<domain>.json`: the latest export of a domain (characters other than letters, digits, `.` and `-` as `_`). */
export const openApiKey = (domainName: string) => `${OPENAPI_PREFIX}/${domainName.replace(/[^A-Za-z0-9.-]/g, '_')}.json`;
