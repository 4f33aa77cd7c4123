import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { BatchCollector } from '../../shared/engine/collectBatch.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { createMasker } from '../../shared/sensitive/maskPath.ts';
import { accessLine } from '../support/records.ts';

const T = 1795428000000;
const line = (ts: number, over: Record<string, string> = {}) => JSON.stringify(accessLine({ requestTimeEpoch: String(ts), requestId: `r${ts}`, ...over }));
const record = (events: Array<{ ts: number; cwl?: number; over?: Record<string, string> }>) =>
  encodeSubscriptionPayload(events.map((e, i) => ({ id: String(i), timestamp: e.cwl ?? e.ts, message: line(e.ts, e.over) }))).toString('base64');

describe('BatchCollector', () => {
  const masker = createMasker('k');

  it('bounds event time by the record\'s arrival on the stream and quarantines what is after it', () => {
    const c = new BatchCollector(masker);
    const day = 86_400_000;
    c.addRecord(record([{ ts: T - 60_000 }, { ts: T + day }, { ts: Date.UTC(2099, 0, 1) }, { ts: T - 1000 }]), 'shard/1', T);
    // A log event without its CloudWatch timestamp, far in the future of arrival.
    c.addRecord(gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: [{ id: 'x', message: line(Date.UTC(2099, 0, 1)) }] })).toString('base64'), 'shard/2', T);
    expect(c.events.map((e) => e.ts)).toEqual([T - 60_000, T - 1000]);
    expect(c.rejected.map((r) => r.reason)).toEqual(['timestamp_out_of_range', 'timestamp_out_of_range', 'timestamp_out_of_range']);
    // Without an arrival time (a hand-made record) only the other bounds apply.
    const d = new BatchCollector(masker);
    d.addRecord(record([{ ts: T + day }]), 'shard/1');
    expect(d.events.length).toBe(1);
  });

  it('quarantines masked text of what an undecodable record held, or a keyed description of binary, never raw bytes', () => {
    const c = new BatchCollector(masker);
    const full = encodeSubscriptionPayload([{ id: '1', timestamp: T, message: line(T, { path: '/v1/users/13812345678' }) }]);
    c.addRecord(full.subarray(0, full.length - 8), 'shard/1'); // gzip cut short
    c.addRecord(Buffer.from('plain text from carol@example.org'), 'shard/2');
    c.addRecord(gzipSync(JSON.stringify({ messageType: 'X 6222021234567890128' })), 'shard/3');
    const binary = Uint8Array.from({ length: 40 }, (_, i) => (i * 53) % 256);
    c.addRecord(binary, 'shard/4');
    c.addRecord(binary, 'shard/5');
    const [cut, plain, envelope, bin, bin2] = c.rejected;
    expect(c.rejected.map((r) => r.reason)).toEqual(['bad_gzip', 'bad_gzip', 'bad_envelope', 'bad_gzip', 'bad_gzip']);
    expect(cut.sample).toContain(masker.maskText('13812345678'));
    expect(plain.sample).toBe(`plain text from ${masker.maskText('carol@example.org')}`);
    expect(envelope.sample + envelope.detail).not.toContain('6222021234567890128');
    expect(envelope.detail).toContain('*bank_card:');
    expect(bin.sample).toMatch(/^binary, 40 bytes, keyed hash [0-9a-f]{12}$/);
    expect(bin2.sample).toBe(bin.sample);
    expect(JSON.stringify(c.rejected)).not.toMatch(/13812345678|carol@example\.org|6222021234567890128/);
  });

  it('masks the detail and source of a rejected line too: parse errors quote the input', () => {
    const c = new BatchCollector(masker);
    c.addMessage('{"path":"/v1/users/13812345678" oops', 'file', undefined, 'id-carol@example.org');
    expect(c.rejected[0].reason).toBe('not_json');
    expect(JSON.stringify(c.rejected)).not.toMatch(/13812345678|carol@example\.org/);
  });

  it('counts the events whose fields were cut, per field, and keeps them', () => {
    const c = new BatchCollector(masker);
    c.addMessage(line(T, { userAgent: 'u'.repeat(20_000) }), 'f');
    c.addMessage(line(T + 1, { userAgent: 'u'.repeat(600), errorMessage: 'e'.repeat(5000) }), 'f');
    expect(c.events.map((e) => e.truncated)).toEqual(['userAgent', 'userAgent,errorMessage']);
    expect(c.truncated).toEqual({ userAgent: 2, errorMessage: 1 });
  });
});
