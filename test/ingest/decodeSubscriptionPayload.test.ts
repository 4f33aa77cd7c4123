import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { decodeSubscriptionPayload } from '../../shared/ingest/decodeSubscriptionPayload.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { DecodeError } from '../../shared/ingest/errors.ts';
import { accessLine } from '../support/records.ts';

const b64 = (b: Buffer) => b.toString('base64');
const reasonOf = (data: string) => {
  try {
    decodeSubscriptionPayload(data);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return (e as DecodeError).reason;
  }
};

describe('decodeSubscriptionPayload', () => {
  it('decodes a DATA_MESSAGE as Kinesis delivers it (base64 of gzip JSON)', () => {
    const events = [1, 2, 3].map((i) => ({ id: `e${i}`, timestamp: 1795428000000 + i, message: JSON.stringify(accessLine({ requestId: `r${i}` })) }));
    const p = decodeSubscriptionPayload(b64(encodeSubscriptionPayload(events, '/aws/apigw/x', 'stream-1')));
    expect(p.kind).toBe('data');
    if (p.kind !== 'data') return;
    expect(p.logGroup).toBe('/aws/apigw/x');
    expect(p.logEvents.map((e) => JSON.parse(e.message).requestId)).toEqual(['r1', 'r2', 'r3']);
    expect(p.logEvents[2].timestamp).toBe(1795428000003);
  });

  it('skips CONTROL_MESSAGE payloads', () => {
    const data = b64(gzipSync(JSON.stringify({ messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' }] })));
    expect(decodeSubscriptionPayload(data)).toEqual({ kind: 'control' });
  });

  it('names the reason for each kind of undecodable record', () => {
    expect(reasonOf('not base64 at all!')).toBe('bad_base64');
    expect(reasonOf('')).toBe('bad_base64');
    expect(reasonOf(b64(Buffer.from('plain text, not gzip')))).toBe('bad_gzip');
    const gz = gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: [] }));
    expect(reasonOf(b64(gz.subarray(0, gz.length - 6)))).toBe('bad_gzip'); // truncated
    expect(reasonOf(b64(gzipSync('{"messageType":')))).toBe('bad_envelope');
    expect(reasonOf(b64(gzipSync(JSON.stringify({ messageType: 'SOMETHING' }))))).toBe('bad_envelope');
    expect(reasonOf(b64(gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: 'x' }))))).toBe('bad_envelope');
  });

  it('passes malformed log events on so the normalizer can quarantine them', () => {
    const p = decodeSubscriptionPayload(b64(gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: [null, { id: 1, message: 5 }] }))));
    expect(p.kind === 'data' && p.logEvents.length).toBe(2);
  });
});
