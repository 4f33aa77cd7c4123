import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WindowEngine } from '../../shared/engine/windowEngine.ts';
import { MemoryKeyValueStore } from '../../local/memoryKeyValueStore.ts';
import { FileBlobStore } from '../../local/fileBlobStore.ts';
import { JsonlAlertSink } from '../../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { decodeNdjson } from '../../shared/engine/codec.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { toyDiscovery, toyScoring } from '../support/toyAnalyses.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const ev = (i: number, ts: number, ip: string, path = `/p/${i % 3}`): AccessEvent => ({ requestId: `r${String(i).padStart(5, '0')}`, ts, ip, method: 'GET', path, query: '', resourcePath: null, status: 200, protocol: '', responseLength: 1, userAgent: '', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'd', stage: '', errorMessage: null });

/** 30 minutes of traffic: a steady background plus one hot IP in the second window, on a path new there. */
function traffic(): AccessEvent[] {
  const out: AccessEvent[] = [];
  for (let i = 0; i < 600; i++) out.push(ev(i, T0 + i * 3000, `10.0.0.${i % 50}`));
  for (let i = 0; i < 20; i++) out.push(ev(1000 + i, T0 + 6 * 60_000 + i * 1000, '192.0.2.66', '/p/hot'));
  return out.sort((a, b) => a.ts - b.ts);
}

/**
 * Runs the toy pipeline over the batches. `containers` > 1 hands consecutive batches to different engine
 * instances over the same stores, as Lambda does when it replaces a container: nothing may depend on
 * what one instance holds in memory.
 */
async function run(batches: Array<{ shard: string; id: string; events: AccessEvent[] }>, containers = 1, options: { checkpointEveryMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'engine-'));
  const ports = { kv: new MemoryKeyValueStore(), blobs: new FileBlobStore(dir), alerts: new JsonlAlertSink(), metrics: new CountingMetrics() };
  const engines = Array.from({ length: containers }, () => new WindowEngine(createPipeline(toyDiscovery(), [toyScoring()]), ports, { windowMs: 300_000, latenessMs: 60_000, ...options }));
  let e = engines[0];
  for (const [i, b] of batches.entries()) {
    e = engines[i % containers];
    await e.ingest(b.shard, b.id, b.events, [], T0);
    await e.closeReady();
  }
  await e.closeReady({ force: true, max: Infinity });
  await e.finish();
  const read = async (prefix: string) => (await Promise.all((await ports.blobs.list(prefix)).map(async (k) => decodeNdjson<any>((await ports.blobs.get(k))!)))).flat();
  const state = (await e.currentState()) as { scoring: unknown };
  const result = { risk: await read('risk_events/'), endpoints: await read('endpoints/'), alerts: ports.alerts.sent.map((a) => a.subject), state: state.scoring, metrics: ports.metrics.counts, stateObjects: await ports.blobs.list('state/') };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const split = (events: AccessEvent[], shards: number, size: number) => {
  const per: AccessEvent[][] = Array.from({ length: shards }, () => []);
  events.forEach((e, i) => per[Math.floor(i / 7) % shards].push(e));
  const out: Array<{ shard: string; id: string; events: AccessEvent[] }> = [];
  const max = Math.max(...per.map((p) => p.length));
  for (let off = 0; off < max; off += size)
    for (let s = 0; s < shards; s++) if (per[s].slice(off, off + size).length) out.push({ shard: `shard-${s}`, id: String(off).padStart(8, '0'), events: per[s].slice(off, off + size) });
  return out;
};

describe('WindowEngine', () => {
  it('closes windows in event time and writes findings, alerts and state', async () => {
    const r = await run(split(traffic(), 1, 50));
    expect(r.risk.map((x) => x.actor)).toEqual(['192.0.2.66']);
    expect(r.risk[0].window_start).toBe('2026-11-23T10:05:00.000Z');
    // Scoring resolves endpoints against discovery's state after this same window: all 120 requests are known,
    // the hot IP's 20 on a path first seen in this window too.
    expect(JSON.parse(r.risk[0].evidence).known).toBe(120);
    expect(r.alerts).toEqual(['[apiscope] HIGH hot 192.0.2.66']);
    expect(r.state).toEqual({ windows: 6, seen: 620 });
    expect(r.endpoints.map((e) => e.template)).toEqual(['/p/0', '/p/1', '/p/2', '/p/hot']);
  });

  it('gives the same results when every batch lands on another container (no reliance on memory)', async () => {
    const one = await run(split(traffic(), 2, 30));
    const many = await run(split(traffic(), 2, 30), 3);
    expect(many.risk).toEqual(one.risk);
    expect(many.endpoints).toEqual(one.endpoints);
    expect(many.alerts).toEqual(one.alerts);
    expect(many.state).toEqual(one.state);
  });

  it('checkpoints the state every few windows; another container replays the windows since from their kept buffers', async () => {
    // 10-minute checkpoints (every other window); every batch on a fresh container, so a close after a window
    // that was not a checkpoint starts by replaying it.
    const batches = split(traffic(), 2, 30);
    const every = await run(batches, batches.length, { checkpointEveryMs: 1 });
    const sparse = await run(batches, batches.length, { checkpointEveryMs: 600_000 });
    expect(sparse.metrics.Checkpoints).toBeLessThan(sparse.metrics.WindowsClosed);
    expect(sparse.metrics.WindowsReplayed).toBeGreaterThan(0);
    expect(every.metrics.WindowsReplayed ?? 0).toBe(0);
    expect(sparse.risk).toEqual(every.risk);
    expect(sparse.endpoints).toEqual(every.endpoints);
    expect(sparse.alerts).toEqual(every.alerts);
    expect(sparse.state).toEqual(every.state);
    // Replay wrote nothing twice and the kept buffers are gone once a checkpoint covers them.
    expect(sparse.metrics.FindingsOut).toEqual(every.metrics.FindingsOut);
    expect(sparse.stateObjects.filter((k) => k.includes('/buffer/'))).toEqual([]);
  });

  it('takes a checkpoint at every hour change, so that a replay never writes findings of a flushed hour again', async () => {
    // 10:45 to 11:15: the 11:00 window flushes the 10:00 hour; with 10-hour checkpoints that close is the only one.
    const shifted = traffic().map((e) => ({ ...e, ts: e.ts + 45 * 60_000 }));
    const batches = split(shifted, 2, 30);
    const every = await run(batches, batches.length, { checkpointEveryMs: 1 });
    const hourly = await run(batches, batches.length, { checkpointEveryMs: 36_000_000 });
    expect(hourly.metrics.Checkpoints).toBe(2);
    expect(hourly.metrics.WindowsReplayed).toBeGreaterThan(0);
    expect(hourly.risk).toEqual(every.risk);
    expect(hourly.endpoints).toEqual(every.endpoints);
    expect(hourly.state).toEqual(every.state);
  });

  it('keeps state checkpoints for an hour, whichever container wrote them', async () => {
    // Three hours at one request a minute, a fresh container per batch: snapshots older than an hour before the
    // last checkpoint are deleted, including those another container wrote.
    const slow = Array.from({ length: 180 }, (_, i) => ev(i, T0 + i * 60_000, `10.0.1.${i % 7}`));
    const batches = split(slow, 1, 10);
    const r = await run(batches, batches.length, { checkpointEveryMs: 1_800_000 });
    const snaps = r.stateObjects.filter((k) => k.includes('/snapshot/')).map((k) => Number(k.slice(k.lastIndexOf('/') + 1, -'.json'.length)));
    // 10:00 (the first close), then every 30 minutes of event time up to 12:30.
    expect(r.metrics.Checkpoints).toBe(6);
    expect(Math.min(...snaps)).toBeGreaterThanOrEqual(Math.max(...snaps) - 3_600_000);
    expect(snaps.length).toBeLessThanOrEqual(3);
  });

  it('fails a close whose buffer vanished under it (another container checkpointed), saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-'));
    const files = new FileBlobStore(dir);
    let gone = '';
    // The other container's delete lands between this one's list and get.
    const blobs = Object.assign(Object.create(files) as FileBlobStore, { get: (k: string) => (k === gone ? Promise.resolve(null) : files.get(k)) });
    const ports = { kv: new MemoryKeyValueStore(), blobs, alerts: new JsonlAlertSink(), metrics: new CountingMetrics() };
    const engine = () => new WindowEngine(createPipeline(toyDiscovery(), [toyScoring()]), ports, { windowMs: 300_000, latenessMs: 60_000 });
    await engine().ingest('shard-0', '00000001', traffic(), [], T0);
    [gone] = await files.list('state/pipeline/buffer/');
    // A fresh container holds no buffer in memory: it reads them, and one is gone.
    await expect(engine().closeReady()).rejects.toThrow(/window buffer .* vanished: another container checkpointed past its window; retry the batch/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same findings for 1 and 4 shards', async () => {
    const one = await run(split(traffic(), 1, 50));
    const four = await run(split(traffic(), 4, 13));
    expect(four.risk).toEqual(one.risk);
    expect(four.endpoints).toEqual(one.endpoints);
    expect(four.state).toEqual(one.state);
  });

  it('does not double count a redelivered batch or re-send its alert', async () => {
    const batches = split(traffic(), 2, 40);
    const redelivered = [...batches.slice(0, 9), batches[7], batches[8], ...batches.slice(9)];
    const once = await run(batches);
    const twice = await run(redelivered);
    expect(twice.state).toEqual(once.state);
    expect(twice.risk).toEqual(once.risk);
    expect(twice.alerts).toEqual(once.alerts);
  });

  it('reads a window from overlapping buffers once per request, in (time, id) order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-'));
    const ports = { kv: new MemoryKeyValueStore(), blobs: new FileBlobStore(dir), alerts: new JsonlAlertSink(), metrics: new CountingMetrics() };
    const e = new WindowEngine(createPipeline(toyDiscovery(), [toyScoring()]), ports, { windowMs: 300_000 });
    const a = [ev(3, T0 + 5, '10.0.0.1'), ev(1, T0 + 5, '10.0.0.1'), ev(2, T0 + 9, '10.0.0.2')];
    const b = [ev(2, T0 + 9, '10.0.0.2'), ev(4, T0 + 1, '10.0.0.3'), ev(1, T0 + 5, '10.0.0.1')];
    await e.ingest('s1', '1', a, [], T0);
    await e.ingest('s1', '2', b, [], T0);
    await e.ingest('s2', '1', [ev(3, T0 + 5, '10.0.0.1')], [], T0);
    // Read back from the store as another container would, and from this one's memory.
    const fresh = new WindowEngine(createPipeline(toyDiscovery(), [toyScoring()]), ports, { windowMs: 300_000 });
    for (const x of [e, fresh]) expect((await x.windowEvents(T0)).map((v) => v.requestId)).toEqual(['r00004', 'r00001', 'r00003', 'r00002']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not double count a batch retried as two halves after bisect', async () => {
    const batches = split(traffic(), 1, 60);
    const b = batches[3];
    const half = Math.floor(b.events.length / 2);
    // Lambda bisects a failed batch: the first half keeps the first sequence number, the second starts mid-batch.
    const bisected = [...batches.slice(0, 4), { ...b, events: b.events.slice(0, half) }, { ...b, id: `${b.id}-mid`, events: b.events.slice(half) }, ...batches.slice(4)];
    const once = await run(batches);
    const retried = await run(bisected);
    expect(retried.state).toEqual(once.state);
    expect(retried.risk).toEqual(once.risk);
    expect(retried.alerts).toEqual(once.alerts);
  });

  it('counts and keeps events that arrive after their window closed', async () => {
    const batches = split(traffic(), 1, 50);
    const straggler = { shard: 'shard-0', id: 'late', events: [ev(9999, T0 + 1000, '10.9.9.9')] };
    const r = await run([...batches, straggler]);
    expect(r.metrics.LateEvents).toBe(1);
    expect(r.state).toEqual({ windows: 6, seen: 620 });
  });
});
