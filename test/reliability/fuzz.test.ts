import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { decodeSubscriptionPayload } from '../../shared/ingest/decodeSubscriptionPayload.ts';
import { DecodeError } from '../../shared/ingest/errors.ts';
import { normalizeRecord } from '../../shared/normalize/normalizeRecord.ts';
import { BatchCollector } from '../../shared/engine/collectBatch.ts';
import { createMasker } from '../../shared/sensitive/maskPath.ts';
import { accessLine } from '../support/records.ts';

/** Inputs that once broke (or could plausibly break) the decoder and normalizer, kept as regression cases. */
const REGRESSIONS = [
  '', '{', '{}', 'null', '[]', '"x"', '1e400', '{"requestId":{"a":1}}', '{"path":"/a","requestId":"r","httpMethod":"GET","ip":"1","status":"200","requestTimeEpoch":"NaN"}',
  '{"__proto__":{"polluted":1},"requestId":"r"}', '\u0000\u0001', '{"requestId":"r","path":"/' + 'a/'.repeat(5000) + '"}',
];

describe('fuzzing the decoder and the normalizer', () => {
  it('decodeSubscriptionPayload only ever returns a payload or throws a DecodeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.uint8Array().map((b) => Buffer.from(b).toString('base64')), fc.jsonValue().map((v) => gzipSync(JSON.stringify(v)).toString('base64'))), (data) => {
        try {
          const p = decodeSubscriptionPayload(data);
          expect(['data', 'control']).toContain(p.kind);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('normalizeRecord never throws, and accepted events are well-formed', () => {
    const keys = Object.keys(accessLine());
    const record = fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.integer().map(String), fc.constant('-'), fc.jsonValue()), { maxKeys: keys.length });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), record.map((r) => JSON.stringify({ ...accessLine(), ...r })), fc.constantFrom(...REGRESSIONS)), (raw) => {
        const r = normalizeRecord(raw);
        if (r.ok) {
          expect(Number.isFinite(r.event.ts)).toBe(true);
          expect(r.event.path.startsWith('/')).toBe(true);
          expect(r.event.status).toBeGreaterThanOrEqual(100);
          expect(r.event.userAgent.length).toBeLessThanOrEqual(512);
        } else expect(r.rejection.reason).toMatch(/^[a-z_0-9]+$/);
      }),
      { numRuns: 2000 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a batch with arbitrary garbage records keeps every good event and accounts for every bad one', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(null), fc.string(), fc.uint8Array({ maxLength: 64 })), { maxLength: 20 }), (junk) => {
        const c = new BatchCollector(createMasker('k'));
        const good = [1, 2, 3].map((i) => JSON.stringify(accessLine({ requestId: `g${i}` })));
        c.addRecord(gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: good.map((m, i) => ({ id: String(i), timestamp: 1795428000000, message: m })) })).toString('base64'), 'ok');
        for (const j of junk) c.addRecord(j === null ? gzipSync('{"messageType":"DATA_MESSAGE","logEvents":[{"id":"x","timestamp":1,"message":"oops"}]}').toString('base64') : typeof j === 'string' ? j : Buffer.from(j).toString('base64'), 'junk');
        expect(c.events.map((e) => e.requestId)).toEqual(['g1', 'g2', 'g3']);
        expect(c.records).toBe(1 + junk.length);
        expect(c.rejected.length + c.controlMessages).toBeGreaterThanOrEqual(junk.length);
      }),
      { numRuns: 300 },
    );
  });
});
