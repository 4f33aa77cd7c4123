import { describe, expect, it } from 'vitest';
import { WindowEngine } from '../../shared/engine/windowEngine.ts';
import { MemoryKeyValueStore } from '../../local/memoryKeyValueStore.ts';
import { MemoryBlobStore } from '../../local/memoryBlobStore.ts';
import { JsonlAlertSink } from '../../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { decodeNdjson } from '../../shared/engine/codec.ts';
import type { BlobStore } from '../../shared/engine/ports.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import type { WindowContext } from '../../shared/engine/types.ts';
import type { EndpointRow } from '../../shared/emit/rows.ts';
import { toyDiscovery, toyScoring } from '../support/toyAnalyses.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const ev = (i: number, ts: number, ip: string): AccessEvent => ({ requestId: `r${String(i).padStart(5, '0')}`, ts, ip, method: 'GET', path: `/p/${i % 3}`, query: '', resourcePath: null, status: 200, protocol: '', responseLength: 1, userAgent: '', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'd', stage: '', errorMessage: null });
/** `n` minutes of traffic from `from` on, with a hot IP in every window. */
const minutes = (from: number, n: number) => Array.from({ length: n * 6 }, (_, i) => ev(from * 6 + i, T0 + from * 60_000 + i * 10_000, i % 2 ? '192.0.2.66' : `10.0.0.${i % 9}`));

const rows = async (blobs: BlobStore, table: string) => (await Promise.all((await blobs.list(`${table}/`)).map(async (k) => decodeNdjson<Record<string, unknown>>((await blobs.get(k))!)))).flat().map((r) => JSON.stringify(r)).sort();

/** The toy discovery, writing one endpoint row per window as well as its rows at the end, as discovery does. */
function discovery() {
  const d = toyDiscovery();
  return { ...d, closeWindow: (events: readonly AccessEvent[], state: { paths: Record<string, number> }, ctx: WindowContext) => ({ ...d.closeWindow(events, state, ctx), endpoints: [{ template: 'per-window', snapshot_at: new Date(ctx.windowEnd).toISOString() } as unknown as EndpointRow] }) };
}

function setup() {
  const ports = { kv: new MemoryKeyValueStore(), blobs: new MemoryBlobStore(), alerts: new JsonlAlertSink(), metrics: new CountingMetrics() };
  const engine = () => new WindowEngine(createPipeline(discovery(), [toyScoring()]), ports, { windowMs: 300_000, latenessMs: 0 });
  return { ports, engine };
}

describe('WindowEngine.finish', () => {
  it('is idempotent: finishing again (a retry after a failure past its commit) leaves the lake as it was', async () => {
    const { ports, engine } = setup();
    const e = engine();
    await e.ingest('s', '1', minutes(0, 20), [], T0);
    await e.closeReady({ force: true, max: Infinity });
    await e.finish();
    const once = { risk: await rows(ports.blobs, 'risk_events'), endpoints: await rows(ports.blobs, 'endpoints') };
    expect(once.risk.length).toBe(4);
    expect(once.endpoints.length).toBe(4 + 3);
    // The retry lands on another container: nothing may depend on what the first one holds.
    await engine().finish();
    expect(await rows(ports.blobs, 'risk_events')).toEqual(once.risk);
    expect(await rows(ports.blobs, 'endpoints')).toEqual(once.endpoints);
  });

  it('keeps the open hour: a later run that goes on in the same hour adds to its findings instead of replacing them', async () => {
    const { ports, engine } = setup();
    await engine().ingest('s', '1', minutes(0, 20), [], T0);
    await engine().closeReady({ force: true, max: Infinity });
    await engine().finish();
    // A second replay into the same lake: 10:20 to 10:40, then the next hour begins.
    await engine().ingest('s', '2', minutes(20, 45), [], T0);
    await engine().closeReady({ force: true, max: Infinity });
    await engine().finish();
    const risk = await rows(ports.blobs, 'risk_events');
    const windows = risk.map((r) => String(JSON.parse(r).window_start).slice(11, 16)).sort();
    // 10:00 to 11:00, every window once: the first run's four windows are not lost when the 10:00 hour is written again.
    expect(windows).toEqual(['10:00', '10:05', '10:10', '10:15', '10:20', '10:25', '10:30', '10:35', '10:40', '10:45', '10:50', '10:55', '11:00']);
  });
});
