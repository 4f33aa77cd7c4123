import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { DynamoTriageStore } from '../../adapters/dynamoTriageStore.ts';
import { S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { createAnalysisHandler } from '../../functions/shared/createAnalysisHandler.ts';
import { kinesisRecord } from '../../local/kinesisRecord.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';
import { storeTriage } from '../../shared/engine/storeTriage.ts';
import type { Analysis } from '../../shared/engine/types.ts';
import type { Alert, DefectRow, RiskEventRow } from '../../shared/emit/rows.ts';
import { patchTriage } from '../../shared/triage/service.ts';
import { accessLine } from '../support/records.ts';
import { toyDiscovery } from '../support/toyAnalyses.ts';
import { riskAlert } from '../support/scriptedAlerts.ts';
import type { FaultRule } from '../support/faults.ts';
import { emulatorStores } from '../support/emulatorStores.ts';
import { lakeRows } from '../support/lake.ts';
import { drainAll } from '../../local/drain.ts';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const W = 300_000;
const ctx = {} as Context;

/** Five requests in window `k` (from T0), one record on one shard: delivering window k+1's closes window k. */
function windowBatch(k: number): KinesisStreamEvent {
  const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify(accessLine({ requestId: `w${k}-${i}`, requestTimeEpoch: String(T0 + k * W + i * 60_000) })));
  const data = encodeSubscriptionPayload(lines.map((message, i) => ({ id: String(i), timestamp: T0 + k * W, message }))).toString('base64');
  return { Records: [kinesisRecord({ stream: 'apiscope-logs', shardId: 'shardId-000000000000', sequenceNumber: String(k + 1).padStart(20, '0'), partitionKey: 'p', data, arrivalMs: T0 + k * W })] };
}

/**
 * A stand-in for the defects analysis and scoring in one stage, scripted per window number: which defects it
 * detects (a row and, as the real one does on opening and escalation, an alert) and which risk alerts it raises.
 * It answers `defectSeenSince` from what it detected, as the real one does from its lifecycle.
 */
function scripted(script: Record<number, { defects?: string[]; escalate?: string[]; risk?: Alert[]; riskRows?: RiskEventRow[] }>): Analysis<{ lastSeen: Record<string, number> }> {
  return {
    name: 'defects',
    initialState: () => ({ lastSeen: {} }),
    closeWindow(_events, state, c) {
      const k = (c.windowStart - T0) / W;
      const s = script[k] ?? {};
      const defects: DefectRow[] = [];
      const alerts: Alert[] = [...(s.risk ?? [])];
      for (const id of s.defects ?? []) {
        const first = state.lastSeen[id] === undefined;
        state.lastSeen[id] = c.windowEnd - 1;
        defects.push(row(id, c.windowEnd - 1));
        if (first || s.escalate?.includes(id)) alerts.push(defectAlert(id, c.windowEnd, first ? 'high' : 'critical'));
      }
      return { defects, alerts, riskEvents: s.riskRows ?? [] };
    },
    defectSeenSince: (state, id, since) => (state.lastSeen[id] > since ? row(id, state.lastSeen[id]) : undefined),
  };
}
const row = (id: string, lastSeen: number): DefectRow => ({
  defect_id: id, defect_type: 'unauthenticated_file_download', severity: 'high', status: 'open', domain_name: 'api.bank.example', method: 'GET', template: '/v1/statements/{id}',
  first_seen: new Date(T0).toISOString(), last_seen: new Date(lastSeen).toISOString(), owasp: 'API2:2023', occurrences: 1, title: 'Files downloadable without authentication', fix: 'require auth',
  evidence: JSON.stringify({ generation: 1 }),
});
const defectAlert = (id: string, ts: number, severity: 'high' | 'critical'): Alert => ({
  dedupKey: severity === 'high' ? `${id}#1` : `${id}#1:critical`, kind: 'defect', severity, ts, subject: `[${severity.toUpperCase()}] Files downloadable without authentication: GET api.bank.example/v1/statements/{id}`,
  body: { defectId: id, defectType: 'unauthenticated_file_download', where: { domain: 'api.bank.example', method: 'GET', template: '/v1/statements/{id}' } },
});
const riskRow = (incident: string, k: number): RiskEventRow => ({
  actor_type: 'ip', actor: '198.51.100.7', window_start: new Date(T0 + k * W).toISOString(), window_end: new Date(T0 + (k + 1) * W).toISOString(), score: 80, severity: 'high',
  scenario: 'unauth_bulk_download', detectors: ['unauth_bulk_download'], domain_name: 'api.bank.example', evidence: '{}', related_actors: [], incident_id: incident,
});
const incidentAlert = (incident: string, k: number, severity: 'high' | 'critical', escalated = false): Alert => ({
  dedupKey: escalated ? `risk:${incident}:${severity}` : `risk:${incident}`, kind: 'risk', severity, ts: T0 + (k + 1) * W, subject: `[apiscope] ${severity} unauth_bulk_download by ip 198.51.100.7 on api.bank.example`,
  body: { actorType: 'ip', actor: '198.51.100.7', scenario: 'unauth_bulk_download', domain: 'api.bank.example' },
});

describe('triage in the window engine (analyze handler on dynalite and s3rver; SNS mocked, it has no emulator)', () => {
  let emu: Emulators;
  let runs = 0;
  beforeAll(async () => {
    emu = await startEmulators();
  });
  afterAll(async () => emu?.stop());

  /** A fresh table and bucket, the real adapters (faults injected as `rules` say), triage in the same table. */
  async function stores(rules: FaultRule[] = []) {
    const s = await emulatorStores(emu, `triage-${++runs}`, { rules, attempts: 2 });
    const store = new DynamoTriageStore(s.clean.dynamodb, s.names.table);
    // No copy kept between invocations here: each invocation reads the triage as a person left it.
    const ports = { ...s.ports, triage: storeTriage(store, { ttlMs: 0 }) };
    return { ...s, ports, store, lake: () => lakeRows(new S3BlobStore(s.clean.s3, s.names.bucket)) };
  }
  type Stores = Awaited<ReturnType<typeof stores>>;
  const container = (s: Stores, analysis: ReturnType<typeof scripted>) =>
    createAnalysisHandler('analyze', async () => ({ analysis: createPipeline(toyDiscovery(), [analysis]) }), async () => ({ ports: s.ports, hashKey: 'k'.repeat(16), engine: { windowMs: W, latenessMs: 0 } }));
  /** Delivers windows 0..upTo, then (`end`) ends the stream as a replay does, which writes the open hour's rows. */
  const deliver = async (h: ReturnType<typeof container>, upTo: number, end = true) => {
    for (let k = 0; k <= upTo; k++) expect((await h(windowBatch(k), ctx)).batchItemFailures).toEqual([]);
    if (end) await drainAll(h);
  };
  const rowsOf = async (s: Stores, table: string) => (await s.lake())[table].map((l) => JSON.parse(l));

  it('sends nothing for a false_positive defect while it keeps being detected, and its rows say so', async () => {
    const s = await stores();
    await patchTriage(s.store, 'defect', 'd-fp', { status: 'false_positive', note: 'public brochure' }, 'alice');
    const every = Object.fromEntries(Array.from({ length: 6 }, (_, k) => [k, { defects: ['d-fp', 'd-other'], escalate: k === 3 ? ['d-fp', 'd-other'] : [] }]));
    const h = container(s, scripted(every));
    await deliver(h, 13);
    // The other defect alerts on opening and on its escalation; the false positive neither time.
    expect(s.topic.keys()).toEqual(['d-other#1', 'd-other#1:critical']);
    expect(s.metrics.counts.AlertsSilenced).toBe(2);
    const rows = await rowsOf(s, 'defects');
    expect(rows.filter((r) => r.defect_id === 'd-fp').map((r) => r.triage_status)).toEqual(Array(6).fill('false_positive'));
    expect(new Set(rows.filter((r) => r.defect_id === 'd-other').map((r) => r.triage_status))).toEqual(new Set(['open']));
    s.topic.restore();
  });

  it('sends nothing for an accepted_risk incident, alone or in a campaign, which names only its other members', async () => {
    const s = await stores();
    await patchTriage(s.store, 'incident', 'inc-accepted', { status: 'accepted_risk' }, 'bob');
    const h = container(s, scripted({
      0: { risk: [incidentAlert('inc-accepted', 0, 'high')], riskRows: [riskRow('inc-accepted', 0)] },
      1: { risk: [incidentAlert('inc-accepted', 1, 'critical', true), incidentAlert('inc-open', 1, 'high')], riskRows: [riskRow('inc-accepted', 1), riskRow('inc-open', 1)] },
      // A distributed attack: three actors of one scenario on one API are one campaign alert.
      2: { risk: [riskAlert('1.1.1.1', 'high', T0 + 3 * W), riskAlert('1.1.1.2', 'high', T0 + 3 * W), { ...riskAlert('1.1.1.3', 'high', T0 + 3 * W), dedupKey: 'risk:inc-accepted:high' }] },
    }));
    await deliver(h, 3);
    expect(s.topic.keys()).toEqual(['campaign:credential_stuffing|api.bank.example:1795428600000', 'risk:inc-open']);
    const campaign = s.topic.delivered.find((d) => String(d.message.dedupKey).startsWith('campaign:'))!;
    expect((campaign.message.actors as Array<{ actor: string }>).map((a) => a.actor)).toEqual(['1.1.1.1', '1.1.1.2']);
    expect(s.metrics.counts.AlertsSilenced).toBe(3);
    const risk = await rowsOf(s, 'risk_events');
    expect(risk.map((r) => [r.incident_id, r.triage_status]).sort()).toEqual([['inc-accepted', 'accepted_risk'], ['inc-accepted', 'accepted_risk'], ['inc-open', 'open']]);
    s.topic.restore();
  });

  it('reopens a fixed defect seen again after the fix with exactly one regression alert, and its triage record reads open with the history entry', async () => {
    const s = await stores();
    const fixedAt = new Date(T0 + 2 * W + 60_000);
    await patchTriage(s.store, 'defect', 'd-fixed', { status: 'fixed', owner: 'team-files' }, 'carol', { now: fixedAt });
    // Detected in windows 0-1 (before the fix: nothing to say), gone in 2-3, back from window 4 on, escalating in 6.
    const seen = { defects: ['d-fixed'] };
    const h = container(s, scripted({ 0: seen, 1: seen, 4: seen, 5: seen, 6: { defects: ['d-fixed'], escalate: ['d-fixed'] }, 7: seen }));
    await deliver(h, 9);
    // Its opening alert predates the fix and is held back; the regression alerts once; after it the defect is
    // open again and its escalation alerts as any open defect's would.
    expect(s.topic.keys()).toEqual([`d-fixed#1#regression:${fixedAt.getTime()}`, 'd-fixed#1:critical']);
    const regression = s.topic.delivered[0];
    // SNS subjects stop at 100 characters.
    expect(regression.subject).toBe('[apiscope] HIGH Regression: Files downloadable without authentication: GET api.bank.example/v1/state');
    expect(regression.attributes).toMatchObject({ kind: 'defect', severity: 'high' });
    expect(regression.message).toMatchObject({ regression: true, defectId: 'd-fixed', fixedAt: fixedAt.toISOString(), fixedBy: 'carol', generation: 1, lastSeen: new Date(T0 + 5 * W - 1).toISOString() });
    const record = (await s.store.get('defect', 'd-fixed'))!;
    expect([record.status, record.version, record.owner]).toEqual(['open', 2, 'team-files']);
    expect(record.history.at(-1)).toMatchObject({ by: 'apiscope', field: 'status', from: 'fixed', to: 'open' });
    expect(s.metrics.counts.TriageReopened).toBe(1);
    const rows = (await rowsOf(s, 'defects')).sort((a, b) => a.last_seen.localeCompare(b.last_seen));
    expect(rows.map((r) => r.triage_status)).toEqual(['fixed', 'fixed', 'open', 'open', 'open', 'open']);
    s.topic.restore();
  });

  it('does not reopen a defect that a person moved on meanwhile: their change wins, the regression alert still goes out once', async () => {
    const s = await stores();
    const fixedAt = new Date(T0);
    await patchTriage(s.store, 'defect', 'd-race', { status: 'fixed' }, 'carol', { now: fixedAt });
    // A person takes it back into work between the pipeline's read of the triage and its write.
    const port = s.ports.triage;
    s.ports.triage = {
      view: () => port.view(),
      reopen: async (kind, id) => {
        await patchTriage(s.store, kind, id, { status: 'in_progress' }, 'dave');
        return port.reopen(kind, id);
      },
    };
    const h = container(s, scripted({ 1: { defects: ['d-race'] }, 2: { defects: ['d-race'] } }));
    await deliver(h, 3);
    expect(s.topic.keys()).toEqual([`d-race#1#regression:${fixedAt.getTime()}`]);
    const record = (await s.store.get('defect', 'd-race'))!;
    expect(record.status).toBe('in_progress');
    expect(record.history.map((e) => e.by)).toEqual(['carol', 'dave']);
    s.topic.restore();
  });

  it('publishes alerts queued earlier first thing in an invocation, even when that invocation fails to store its batch', async () => {
    // SNS refuses the first publish; later S3 refuses every write (each attempt of the client) while `outage` holds.
    let outage = false;
    const s = await stores([{ command: 'Publish', from: 1, count: 1 }, { command: 'PutObject', from: 1, count: 1000, when: () => outage }]);
    const h = container(s, scripted({ 0: { defects: ['d-0'] } }));
    await deliver(h, 1, false);
    expect(s.topic.keys()).toEqual([]);
    expect(await s.kv.query('OUTBOX#pipeline')).toHaveLength(1);
    outage = true;
    await expect(h(windowBatch(2), ctx)).rejects.toThrow(/injected fault: PutObject/);
    expect(s.topic.keys()).toEqual(['d-0#1']);
    expect(await s.kv.query('OUTBOX#pipeline')).toEqual([]);
    s.topic.restore();
  });
});
