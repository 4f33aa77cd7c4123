import { gunzipSync, gzipSync } from 'node:zlib';

export function encodeJson(value: unknown): Uint8Array {
  return gzipSync(JSON.stringify(value), { level: 6 });
}

export function decodeJson<T>(buf: Uint8Array): T {
  return JSON.parse(gunzipSync(buf).toString('utf8')) as T;
}

/** Rows as gzip NDJSON, the format the Glue tables read. */
export function encodeNdjson(rows: readonly unknown[]): Uint8Array {
  return gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n', { level: 6 });
}

export function decodeNdjson<T>(buf: Uint8Array): T[] {
  return gunzipSync(buf).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}
