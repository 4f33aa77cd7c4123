import { describe, expect, it } from 'vitest';
import { WindowEngine } from '../../shared/engine/windowEngine.ts';
import { MemoryKeyValueStore } from '../../local/memoryKeyValueStore.ts';
import { MemoryBlobStore } from '../../local/memoryBlobStore.ts';
import { JsonlAlertSink } from '../../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { toyDiscovery, toyScoring } from '../support/toyAnalyses.ts';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const DAY_S = 86_400;
const ev = (i: number, ts: number): AccessEvent => ({ requestId: `r${i}`, ts, ip: '10.0.0.1', method: 'GET', path: '/p', query: '', resourcePath: null, status: 200, protocol: '', responseLength: 1, userAgent: '', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'd', stage: '', errorMessage: null });

describe('WINS# items (which windows hold data)', () => {
  it('expire two weeks of processing time after their last write, whatever the event time, and each write pushes that back', async () => {
    const kv = new MemoryKeyValueStore();
    let now = Date.UTC(2027, 2, 1, 9, 0, 0); // processing time, months after the events: a replay of old logs
    const e = new WindowEngine(createPipeline(toyDiscovery(), [toyScoring()]), { kv, blobs: new MemoryBlobStore(), alerts: new JsonlAlertSink(), metrics: new CountingMetrics() }, { windowMs: 300_000, latenessMs: 600_000 }, () => now);
    await e.ingest('s', '1', [ev(1, T0 + 1000), ev(2, T0 + 301_000)], [], T0);
    const wins = () => kv.dump().filter((i) => String(i.pk).startsWith('WINS#')).map((i) => [i.ws, i.expiresAt]);
    expect(wins()).toEqual([[T0, Math.floor(now / 1000) + 14 * DAY_S], [T0 + 300_000, Math.floor(now / 1000) + 14 * DAY_S]]);
    const first = Math.floor(now / 1000) + 14 * DAY_S;
    now += 3 * 3_600_000;
    await e.ingest('s', '2', [ev(3, T0 + 302_000)], [], T0);
    expect(wins()).toEqual([[T0, first], [T0 + 300_000, first + 3 * 3600]]);
    // Still read while their windows are open: expiry is no part of which windows are pending.
    expect(await e.pendingWindows()).toEqual([T0, T0 + 300_000]);
  });
});
