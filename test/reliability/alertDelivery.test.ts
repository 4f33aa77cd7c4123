import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { DynamoKeyValueStore } from '../../adapters/dynamoKeyValueStore.ts';
import { createAnalysisHandler } from '../../functions/shared/createAnalysisHandler.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { kinesisRecord } from '../../local/kinesisRecord.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';
import { WindowEngine } from '../../shared/engine/windowEngine.ts';
import type { Alert, Severity } from '../../shared/emit/rows.ts';
import { accessLine } from '../support/records.ts';
import { toyDiscovery } from '../support/toyAnalyses.ts';
import { riskAlert, scriptedAlerts } from '../support/scriptedAlerts.ts';
import type { FaultRule } from '../support/faults.ts';
import { emulatorStores } from '../support/emulatorStores.ts';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const W = 300_000;
const ATTEMPTS = 3;
const ctx = {} as Context;

/** Five requests in window `k` (from T0), one Kinesis record on one shard: delivering window k+1's closes window k. */
function windowBatch(k: number): KinesisStreamEvent {
  const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify(accessLine({ requestId: `w${k}-${i}`, requestTimeEpoch: String(T0 + k * W + i * 60_000) })));
  const seq = String(k + 1).padStart(20, '0');
  const data = encodeSubscriptionPayload(lines.map((message, i) => ({ id: String(i), timestamp: T0 + k * W, message }))).toString('base64');
  return { Records: [kinesisRecord({ stream: 'apiscope-logs', shardId: 'shardId-000000000000', sequenceNumber: seq, partitionKey: 'p', data, arrivalMs: T0 + k * W })] };
}

/** A defect-like alert (never part of a campaign) for window `k`. */
const single = (k: number, severity: Severity = 'high'): Alert => ({ dedupKey: `defect-${k}#1`, kind: 'defect', severity, ts: T0 + (k + 1) * W, subject: `[${severity.toUpperCase()}] Defect ${k}: GET api.bank.example/v1/x`, body: { defectId: `defect-${k}` } });
/** The alerts of each window, by its number. */
const byWindow = (alerts: Record<number, Alert[]>) => scriptedAlerts((ws) => alerts[(ws - T0) / W] ?? []);
const outboxOf = (kv: DynamoKeyValueStore) => kv.query('OUTBOX#pipeline');
const isSentMark = (input: { Item?: { status?: { S?: string } } }) => input?.Item?.status?.S === 'sent';

describe('alert delivery: at least once, deduplicated (handler and engine on dynalite and s3rver; SNS mocked, it has no emulator)', () => {
  let emu: Emulators;
  let runs = 0;
  beforeAll(async () => {
    emu = await startEmulators();
  });
  afterAll(async () => emu?.stop());

  /** A fresh table and bucket, the real adapters on clients with `rules` injected, and the mocked topic. */
  const stores = (rules: FaultRule[] = []) => emulatorStores(emu, `alerts-${++runs}`, { rules, attempts: ATTEMPTS });

  /** A new container of the analyze function running `analysis` behind the toy discovery. */
  function container(ports: Awaited<ReturnType<typeof stores>>['ports'], analysis: ReturnType<typeof scriptedAlerts>, minAlertSeverity: Severity = 'high') {
    return createAnalysisHandler('analyze', async () => ({ analysis: createPipeline(toyDiscovery(), [analysis]) }), async () => ({ ports, hashKey: 'k'.repeat(16), engine: { windowMs: W, latenessMs: 0, minAlertSeverity } }));
  }

  it('loses no alert to an SNS outage and fails no batch for it; once SNS is back, alerts go out in the invocation that closed their window', async () => {
    const s = await stores([{ command: 'Publish', from: 1, count: 4 }]);
    const h = container(s.ports, byWindow(Object.fromEntries(Array.from({ length: 8 }, (_, k) => [k, [single(k)]]))));
    const depth: number[] = [];
    for (let k = 0; k <= 8; k++) {
      const sent = s.topic.delivered.length;
      expect((await h(windowBatch(k), ctx)).batchItemFailures).toEqual([]);
      depth.push((await outboxOf(s.kv)).length);
      // SNS refused the first four publishes; from the fifth on, window k-1's alert is out by the end of invocation k.
      if (s.faults.calls.Publish > 4 && k >= 1) expect(s.topic.keys()).toContain(`defect-${k - 1}#1`);
      if (k >= 1 && s.faults.calls.Publish <= 4) expect(s.topic.delivered.length).toBe(sent);
    }
    // Each invocation tried once or twice and stopped at the failure: the queue grew during the outage, then drained.
    expect(Math.max(...depth)).toBeGreaterThan(0);
    expect(depth.at(-1)).toBe(0);
    expect(s.topic.keys()).toEqual(Array.from({ length: 8 }, (_, k) => `defect-${k}#1`));
    expect(s.metrics.counts.AlertPublishFailed).toBe(4);
    expect(s.metrics.counts.AlertsSent).toBe(8);
    // Every message names its alert, so that a subscriber can drop a repeat.
    for (const d of s.topic.delivered) expect(d.attributes).toMatchObject({ dedupKey: d.message.dedupKey, severity: 'high', kind: 'defect' });
    s.topic.restore();
  });

  it('publishes again when a publish succeeded but its response was lost (at least once), with the same dedupKey attribute', async () => {
    const s = await stores([{ command: 'Publish', from: 2, count: 1, mode: 'lost-response' }]);
    const h = container(s.ports, byWindow({ 0: [single(0)], 1: [single(1)], 2: [single(2)] }));
    for (let k = 0; k <= 3; k++) expect((await h(windowBatch(k), ctx)).batchItemFailures).toEqual([]);
    // SNS standard topics cannot deduplicate: the second alert arrived twice, the others once, and nothing is queued.
    expect(s.topic.keys()).toEqual(['defect-0#1', 'defect-1#1', 'defect-1#1', 'defect-2#1']);
    const repeats = s.topic.delivered.filter((d) => d.message.dedupKey === 'defect-1#1');
    expect(repeats.map((d) => d.attributes.dedupKey)).toEqual(['defect-1#1', 'defect-1#1']);
    expect(await outboxOf(s.kv)).toEqual([]);
    s.topic.restore();
  });

  it('sends nothing twice when marking an alert sent fails for longer than the retries: the same container confirms it first on the retried batch', async () => {
    const s = await stores([{ command: 'PutItem', from: 1, count: ATTEMPTS, when: isSentMark }]);
    const h = container(s.ports, byWindow({ 0: [single(0)], 1: [single(1)] }));
    expect((await h(windowBatch(0), ctx)).batchItemFailures).toEqual([]);
    // Window 0 closes, its alert is published, its sent mark fails: the invocation fails and Lambda retries the batch.
    await expect(h(windowBatch(1), ctx)).rejects.toThrow(/injected fault: PutItem/);
    expect(s.topic.keys()).toEqual(['defect-0#1']);
    expect((await h(windowBatch(1), ctx)).batchItemFailures).toEqual([]);
    expect((await h(windowBatch(2), ctx)).batchItemFailures).toEqual([]);
    expect(s.topic.keys()).toEqual(['defect-0#1', 'defect-1#1']);
    expect(await outboxOf(s.kv)).toEqual([]);
    s.topic.restore();
  });

  it('holds an alert whose container died before marking it sent until its lease runs out, then sends it again once (the at-least-once case)', async () => {
    const s = await stores([{ command: 'PutItem', from: 1, count: ATTEMPTS, when: isSentMark }]);
    let now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const engine = () => new WindowEngine(createPipeline(toyDiscovery(), [byWindow({ 0: [single(0)] })]), s.ports, { windowMs: W, latenessMs: 0 }, () => now);
    const first = engine();
    for (let k = 0; k <= 1; k++) await first.ingest('shard-0', String(k), Array.from({ length: 3 }, (_, i) => accessEvent(k, i)), [], T0);
    await expect(first.closeReady()).rejects.toThrow(/injected fault: PutItem/);
    expect(s.topic.keys()).toEqual(['defect-0#1']);
    // Another container, a minute later: the alert is leased to the first one, which may still be publishing it.
    now += 60_000;
    await engine().closeReady();
    expect(s.topic.keys()).toEqual(['defect-0#1']);
    expect(await outboxOf(s.kv)).toHaveLength(1);
    // Past the lease, the first container is taken for dead: the alert goes out again, once, and is marked sent.
    now += 6 * 60_000;
    const later = engine();
    await later.closeReady();
    await later.closeReady();
    expect(s.topic.keys()).toEqual(['defect-0#1', 'defect-0#1']);
    expect(s.topic.delivered.map((d) => d.attributes.dedupKey)).toEqual(['defect-0#1', 'defect-0#1']);
    expect(await outboxOf(s.kv)).toEqual([]);
    s.topic.restore();
  });

  it('never lets two containers publish the same alert at once: each queued alert goes out once', async () => {
    const s = await stores([{ command: 'Publish', from: 1, count: 2 }]);
    const analysis = () => createPipeline(toyDiscovery(), [byWindow({ 0: [single(0), single(10)], 1: [single(1), single(11)], 2: [single(2)] })]);
    const a = new WindowEngine(analysis(), s.ports, { windowMs: W, latenessMs: 0 });
    const b = new WindowEngine(analysis(), s.ports, { windowMs: W, latenessMs: 0 });
    for (let k = 0; k <= 3; k++) await a.ingest('shard-0', String(k), Array.from({ length: 3 }, (_, i) => accessEvent(k, i)), [], T0);
    // SNS refuses the first two publishes while `a` closes the windows: five alerts wait in the outbox.
    await a.closeReady({ max: Infinity });
    expect((await outboxOf(s.kv)).length).toBeGreaterThanOrEqual(4);
    await Promise.all([a.closeReady(), b.closeReady(), a.closeReady(), b.closeReady()]);
    await a.closeReady();
    expect(s.topic.keys()).toEqual(['defect-0#1', 'defect-1#1', 'defect-10#1', 'defect-11#1', 'defect-2#1']);
    expect(await outboxOf(s.kv)).toEqual([]);
    s.topic.restore();
  });

  it('lets a campaign that started below the threshold alert when it turns critical, escalates it once per severity, and folds in the rest', async () => {
    const s = await stores();
    const at = (k: number) => T0 + (k + 1) * W;
    const cs = (k: number, actors: string[], sev: Severity) => actors.map((a) => riskAlert(a, sev, at(k), 'credential_stuffing'));
    const bola = (k: number, actors: string[], sev: Severity) => actors.map((a) => riskAlert(a, sev, at(k), 'bola_enumeration'));
    const h = container(s.ports, byWindow({
      0: [...cs(0, ['1.1.1.1', '1.1.1.2', '1.1.1.3'], 'medium'), ...bola(0, ['2.2.2.1', '2.2.2.2', '2.2.2.3'], 'high')],
      1: [...cs(1, ['1.1.1.4'], 'critical')],
      2: [...cs(2, ['1.1.1.5', '1.1.1.6'], 'high'), ...bola(2, ['2.2.2.4'], 'critical')],
      3: [...cs(3, ['1.1.1.7'], 'critical'), ...bola(3, ['2.2.2.5', '2.2.2.6'], 'high')],
    }));
    for (let k = 0; k <= 4; k++) expect((await h(windowBatch(k), ctx)).batchItemFailures).toEqual([]);
    const sent = s.topic.delivered.map((d) => [d.message.scenario, d.message.severity, (d.message.escalation as { from?: string } | undefined)?.from ?? null, (d.message.actors as Array<{ actor: string }>).map((x) => x.actor)]);
    expect(sent).toEqual([
      ['bola_enumeration', 'high', null, ['2.2.2.1', '2.2.2.2', '2.2.2.3']],
      ['credential_stuffing', 'critical', 'medium', ['1.1.1.4']],
      ['bola_enumeration', 'critical', 'high', ['2.2.2.4']],
    ]);
    expect(s.topic.delivered.map((d) => d.subject)).toEqual([
      '[apiscope] HIGH bola_enumeration campaign: 3 ip actors on api.bank.example',
      // SNS subjects stop at 100 characters.
      '[apiscope] CRITICAL escalated from MEDIUM: credential_stuffing campaign: 1 ip actors on api.bank.exa',
      '[apiscope] CRITICAL escalated from HIGH: bola_enumeration campaign: 1 ip actors on api.bank.example',
    ]);
    expect(new Set(s.topic.keys()).size).toBe(3);
    expect(s.metrics.counts.AlertsFoldedIntoCampaign).toBe(2 + 1 + 2);
    s.topic.restore();
  });
});

/** Event `i` of window `k`, as the normalizer makes it. */
function accessEvent(k: number, i: number) {
  return { requestId: `w${k}-${i}`, ts: T0 + k * W + i * 60_000, ip: '203.0.113.9', method: 'GET', path: '/v1/accounts/1', query: '', resourcePath: null, status: 200, protocol: '', responseLength: 1, userAgent: '', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'api.bank.example', stage: '', errorMessage: null };
}
