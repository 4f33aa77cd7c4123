import { constants, gunzipSync } from 'node:zlib';

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What an undecodable record turned out to hold, decoded as far as it goes. */
export type UndecodableContent = { text: string } | { binary: Uint8Array };

/** Share of control characters above which decoded bytes are binary, not text worth keeping. */
const MAX_CONTROL_SHARE = 0.05;

function asText(bytes: Uint8Array): UndecodableContent {
  let text: string;
  try { text = utf8.decode(bytes); } catch { return { binary: bytes }; }
  let control = 0;
  for (let i = 0; i < text.length; i++) { const c = text.charCodeAt(i); if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++; }
  return control > text.length * MAX_CONTROL_SHARE ? { binary: bytes } : { text };
}

/**
 * Decodes a record that failed as a subscription payload as far as it goes (base64, then gzip, possibly
 * truncated, then UTF-8), so that quarantine keeps masked text of what it held, never raw bytes: a payload
 * cut short still shows its first log lines, a plain-text record shows its text.
 *
 * @example describeUndecodable(Buffer.from('plain text').toString('base64')) // { text: 'plain text' }
 */
export function describeUndecodable(data: string | Uint8Array): UndecodableContent {
  let bytes: Uint8Array;
  if (typeof data === 'string') {
    if (data.length % 4 !== 0 || !B64.test(data)) return asText(Buffer.from(data, 'utf8'));
    bytes = Buffer.from(data, 'base64');
  } else bytes = data;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // Z_SYNC_FLUSH: a truncated stream gives back what it holds instead of an error.
    try { bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }); } catch { /* corrupt: describe the gzip bytes */ }
  }
  return asText(bytes);
}
