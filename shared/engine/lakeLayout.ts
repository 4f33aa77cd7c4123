import type { TableName } from '../emit/rows.ts';

/** `dt=YYYY-MM-DD/hour=HH` of an event time, the partition layout the Glue tables project. */
export function partitionOf(ts: number): { dt: string; hour: string } {
  const iso = new Date(ts).toISOString();
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

/** Key of a findings object: `<table>/dt=.../hour=.../<name>.json.gz`. */
export function lakeKey(table: TableName, ts: number, name: string): string {
  const { dt, hour } = partitionOf(ts);
  return `${table}/dt=${dt}/hour=${hour}/${name}.json.gz`;
}

const pad = (n: number) => String(n).padStart(15, '0');

/** Keys of the engine's own state objects (window buffers and analysis snapshots). */
export const stateKeys = {
  bufferPrefix: (analysis: string, ws: number) => `state/${analysis}/buffer/w=${pad(ws)}/`,
  buffer: (analysis: string, ws: number, batchId: string) => `state/${analysis}/buffer/w=${pad(ws)}/${batchId}.json`,
  snapshot: (analysis: string, ws: number) => `state/${analysis}/snapshot/${pad(ws)}.json`,
  late: (analysis: string, batchId: string) => `state/${analysis}/late/${batchId}.json`,
};

export const padTs = pad;
