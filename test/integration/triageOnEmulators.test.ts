import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { defectId } from '../../shared/check/index.ts';
import { patchTriage } from '../../shared/triage/service.ts';
import { notificationSchema } from '../../shared/tickets/notifications.ts';
import { attackTraffic } from '../support/attackTraffic.ts';
import { runPipelineOnEmulators, type PipelineRun } from '../support/emulatedPipeline.ts';

const API = 'api.demobank.example';
/** The anonymous statement downloads of attackTraffic: high at 09:40, critical at 10:10. */
const FALSE_POSITIVE = defectId('unauthenticated_file_download', API, 'GET', '/v1/statements/{statementFile}');
/** Card numbers in the URL of the simulator's card-limits calls, all through the three hours. */
const FIXED = defectId('sensitive_data_in_url', API, 'GET', '/v1/cards/{cardNo}/limits');

const rowsOf = (run: PipelineRun, table: string) => run.lake[table].map((l) => JSON.parse(l) as Record<string, any>);

/**
 * The deployed analyze function (real handler, pipeline and adapters on dynalite and s3rver, SNS mocked) over
 * three hours of bank traffic with attacks, once untriaged and once with triage in the state table as the API
 * writes it: a defect marked false positive, the file-sweep incident marked accepted risk, and a defect marked
 * fixed half-way through the traffic that keeps showing up.
 */
describe('triage honoured by the analyze function on the emulators', () => {
  let emu: Emulators;
  let base: PipelineRun;
  let triaged: PipelineRun;
  let accepted: string;
  let fixedAt: Date;

  beforeAll(async () => {
    emu = await startEmulators();
    const lines = attackTraffic();
    base = await runPipelineOnEmulators(emu, lines, { name: 'untriaged' });
    // The incident of the anonymous file sweep, as its alert names it: risk:<incident> (it opens at high).
    const sweep = base.delivered.find((d) => d.message.actor === '95.216.66.93');
    accepted = String(sweep?.message.dedupKey).split(':')[1];
    // Fixed between the defect's first alert and its last sighting.
    const seen = rowsOf(base, 'defects').filter((r) => r.defect_id === FIXED).map((r) => Date.parse(r.last_seen)).sort((a, b) => a - b);
    fixedAt = new Date(Math.round((seen[0] + seen.at(-1)!) / 2));
    triaged = await runPipelineOnEmulators(emu, lines, {
      name: 'triaged',
      triage: async (store) => {
        await patchTriage(store, 'defect', FALSE_POSITIVE, { status: 'false_positive', note: 'public sample statements' }, 'arn:aws:iam::111122223333:user/alice');
        await patchTriage(store, 'incident', accepted, { status: 'accepted_risk', note: 'our nightly archive job' }, 'arn:aws:iam::111122223333:user/bob');
        await patchTriage(store, 'defect', FIXED, { status: 'fixed' }, 'arn:aws:iam::111122223333:user/carol', { now: fixedAt });
      },
    });
  }, 240_000);
  afterAll(async () => emu?.stop());

  it('finds what the triage is about in the untriaged run', () => {
    expect(base.keys).toEqual(expect.arrayContaining([`${FALSE_POSITIVE}#1`, `${FALSE_POSITIVE}#1:critical`, `risk:${accepted}`, `${FIXED}#1`]));
    expect(accepted).toMatch(/^[0-9a-f]{16}$/);
    const seen = rowsOf(base, 'defects').filter((r) => r.defect_id === FIXED).map((r) => r.last_seen);
    expect(new Set(seen).size).toBeGreaterThan(1);
    // Untriaged, rows carry no triage status.
    expect(rowsOf(base, 'defects').some((r) => 'triage_status' in r)).toBe(false);
  });

  it('sends no alert of the false positive defect or the accepted incident, one regression for the fixed defect, and everything else as untriaged', () => {
    const regression = `${FIXED}#1#regression:${fixedAt.getTime()}`;
    const left = [`${FALSE_POSITIVE}#1`, `${FALSE_POSITIVE}#1:critical`, `risk:${accepted}`, `${FIXED}#1`];
    expect(triaged.keys).toEqual([...base.keys.filter((k) => !left.includes(k)), regression].sort());
    // Held back: the two alerts of the false positive, the incident's and the fixed defect's opening alert, which
    // was about traffic from before the fix.
    expect(triaged.metrics.AlertsSilenced).toBe(4);
    expect(triaged.metrics.AlertsBelowThreshold).toBe(base.metrics.AlertsBelowThreshold);
    expect(triaged.metrics.DefectRegressions).toBe(1);
    const r = triaged.delivered.find((d) => d.message.dedupKey === regression)!;
    expect(r.subject).toMatch(/^\[apiscope\] HIGH Regression: Sensitive data in the URL: GET api\.demobank\.example\/v1\/cards/);
    expect(r.message).toMatchObject({ kind: 'defect', defectId: FIXED, regression: true, fixedAt: fixedAt.toISOString(), fixedBy: 'arn:aws:iam::111122223333:user/carol' });
    expect(Date.parse(String(r.message.lastSeen))).toBeGreaterThan(fixedAt.getTime());
  });

  it('sets the fixed defect back to open, by apiscope, and its rows show the triage status as it was when written', async () => {
    const record = (await triaged.triage.get('defect', FIXED))!;
    expect(record.status).toBe('open');
    expect(record.history.map((h) => [h.by, h.field, h.from, h.to])).toEqual([
      ['arn:aws:iam::111122223333:user/carol', 'status', 'open', 'fixed'],
      ['apiscope', 'status', 'fixed', 'open'],
    ]);
    const defects = rowsOf(triaged, 'defects');
    const fixed = defects.filter((x) => x.defect_id === FIXED).sort((a, b) => a.last_seen.localeCompare(b.last_seen));
    expect(fixed.filter((x) => Date.parse(x.last_seen) <= fixedAt.getTime()).map((x) => x.triage_status)).toEqual(expect.arrayContaining(['fixed']));
    expect(new Set(fixed.filter((x) => Date.parse(x.last_seen) > fixedAt.getTime()).map((x) => x.triage_status))).toEqual(new Set(['open']));
    expect(new Set(defects.filter((x) => x.defect_id === FALSE_POSITIVE).map((x) => x.triage_status))).toEqual(new Set(['false_positive']));
    const incident = rowsOf(triaged, 'risk_events').filter((x) => x.incident_id === accepted);
    expect(incident.length).toBeGreaterThan(1);
    expect(new Set(incident.map((x) => x.triage_status))).toEqual(new Set(['accepted_risk']));
    // The other defects are untriaged, and say so.
    expect(new Set(defects.filter((x) => x.defect_id !== FIXED && x.defect_id !== FALSE_POSITIVE).map((x) => x.triage_status))).toEqual(new Set(['open']));
  });

  it('writes discovery\'s tables to S3 (compacted like the others) and the OpenAPI export of each domain under openapi/', async () => {
    expect(rowsOf(base, 'file_assets').map((r) => [r.template, r.day])).toEqual([['/v1/statements/{statementFile}', '2026-11-23']]);
    expect(rowsOf(base, 'endpoint_changes').filter((r) => r.change === 'added').length).toBe(new Set(rowsOf(base, 'endpoints').map((r) => `${r.method} ${r.template}`)).size);
    const domains = [...new Set(rowsOf(base, 'endpoints').map((r) => r.domain_name as string))].sort();
    expect(domains).toContain(API);
    expect(await base.blobs.list('openapi/')).toEqual(domains.map((d) => `openapi/${d}.json`));
    const doc = JSON.parse(Buffer.from((await base.blobs.get(`openapi/${API}.json`))!).toString('utf8'));
    expect(doc).toMatchObject({ openapi: '3.1.0', servers: [{ url: `https://${API}` }] });
    expect(Object.keys(doc.paths)).toContain('/v1/statements/{statementFile}');
  });

  it('sends each resolution to the topic once, as the ticket function reads it', () => {
    for (const run of [base, triaged]) {
      const notices = run.delivered.filter((d) => d.attributes.kind === 'defect_resolved');
      const resolved = rowsOf(run, 'defects').filter((r) => r.status === 'resolved');
      expect(notices.length).toBeGreaterThan(0);
      expect(notices.map((d) => d.message.dedupKey).sort()).toEqual(resolved.map((r) => `${r.defect_id}#${JSON.parse(r.evidence).generation}#resolved`).sort());
      for (const d of notices) {
        const n = notificationSchema.parse(d.message);
        expect(n.kind).toBe('defect_resolved');
        expect(d.attributes.dedupKey).toBe(d.message.dedupKey);
        expect(resolved.find((r) => r.defect_id === n.defectId)?.last_seen).toBe(n.lastSeen);
      }
    }
  });
});
