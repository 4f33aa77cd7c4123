import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Engine state (window buffers, snapshots) is plain JSON: it is rewritten every window and deleted soon
 * after, so the CPU of compressing it costs more than the bytes it would save. Gzip input is still read.
 */
export function encodeJson(value: unknown): Uint8Array {
  // TextEncoder (simdutf) is several times faster than Buffer.from for strings of megabytes.
  return utf8.encode(JSON.stringify(value));
}

const utf8 = new TextEncoder();

export function decodeJson<T>(buf: Uint8Array): T {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return JSON.parse((b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b).toString('utf8')) as T;
}

/** Rows as gzip NDJSON, the format the Glue tables read. */
export function encodeNdjson(rows: readonly unknown[]): Uint8Array {
  return gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n', { level: 6 });
}

export function decodeNdjson<T>(buf: Uint8Array): T[] {
  return gunzipSync(buf).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}
