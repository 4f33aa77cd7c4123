import { gunzipSync } from 'node:zlib';
import { DecodeError } from './errors.ts';
import type { LogEvent, SubscriptionPayload } from './types.ts';

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes one Kinesis record's data from a CloudWatch Logs subscription: base64 -> gzip -> JSON envelope.
 * `CONTROL_MESSAGE` payloads (sent when the subscription is created) come back as `{ kind: 'control' }`.
 * Throws {@link DecodeError} with a reason when the record is not such a payload.
 *
 * @example
 * const p = decodeSubscriptionPayload(record.kinesis.data);
 * if (p.kind === 'data') for (const e of p.logEvents) normalizeRecord(e.message, { referenceTs: e.timestamp });
 */
export function decodeSubscriptionPayload(data: string | Uint8Array): SubscriptionPayload {
  let buf: Buffer;
  if (typeof data === 'string') {
    if (data.length === 0 || data.length % 4 !== 0) throw new DecodeError('bad_base64', 'record data is not valid base64');
    buf = Buffer.from(data, 'base64');
  } else buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  try {
    return decodeGzippedEnvelope(buf);
  } catch (e) {
    // Buffer.from skips characters outside the alphabet, so bad base64 shows up as bad gzip: checking the
    // alphabet only then keeps the exact reason without scanning every good record twice.
    if (typeof data === 'string' && e instanceof DecodeError && e.reason === 'bad_gzip' && !B64.test(data)) throw new DecodeError('bad_base64', 'record data is not valid base64');
    throw e;
  }
}

/** Decodes the gzip JSON envelope (the bytes after base64). */
export function decodeGzippedEnvelope(buf: Buffer): SubscriptionPayload {
  let text: string;
  try {
    text = gunzipSync(buf).toString('utf8');
  } catch (e) {
    throw new DecodeError('bad_gzip', `record data is not gzip: ${(e as Error).message}`);
  }
  return parseEnvelope(text);
}

export function parseEnvelope(text: string): SubscriptionPayload {
  let env: unknown;
  try {
    env = JSON.parse(text);
  } catch (e) {
    throw new DecodeError('bad_envelope', `subscription payload is not JSON: ${(e as Error).message}`);
  }
  if (typeof env !== 'object' || env === null) throw new DecodeError('bad_envelope', 'subscription payload is not an object');
  const o = env as Record<string, unknown>;
  if (o.messageType === 'CONTROL_MESSAGE') return { kind: 'control' };
  if (o.messageType !== 'DATA_MESSAGE') throw new DecodeError('bad_envelope', `unknown messageType ${JSON.stringify(o.messageType)}`);
  if (!Array.isArray(o.logEvents)) throw new DecodeError('bad_envelope', 'DATA_MESSAGE without a logEvents array');
  // Well-formed log events are used as parsed (no copy per event); a malformed one is replaced by one whose
  // message is its JSON, so that the normalizer counts and quarantines it.
  const logEvents = o.logEvents as LogEvent[];
  for (let i = 0; i < logEvents.length; i++) {
    const le = logEvents[i] as unknown as Record<string, unknown> | null;
    if (le !== null && typeof le === 'object' && typeof le.id === 'string' && typeof le.timestamp === 'number' && typeof le.message === 'string') continue;
    logEvents[i] = {
      id: typeof le?.id === 'string' ? le.id : '',
      timestamp: typeof le?.timestamp === 'number' ? le.timestamp : NaN,
      message: typeof le?.message === 'string' ? le.message : JSON.stringify(le ?? null),
    };
  }
  return {
    kind: 'data',
    owner: String(o.owner ?? ''),
    logGroup: String(o.logGroup ?? ''),
    logStream: String(o.logStream ?? ''),
    logEvents,
  };
}
