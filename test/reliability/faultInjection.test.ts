import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { attackTraffic } from '../support/attackTraffic.ts';
import { notDelivered } from '../support/alertCoverage.ts';
import type { FaultRule } from '../support/faults.ts';
import type { LambdaOptions } from '../support/lambdaRun.ts';
import { CLIENT_ATTEMPTS, runPipelineOnEmulators, type PipelineRun } from '../support/emulatedPipeline.ts';

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];

/** Every call the analyze function makes to S3, DynamoDB and SNS. */
const COMMANDS = ['PutObject', 'GetObject', 'ListObjectsV2', 'DeleteObjects', 'PutItem', 'GetItem', 'UpdateItem', 'Query', 'DeleteItem', 'Publish'];

/**
 * A lost Publish response is the one fault that sends an alert twice, and cannot be helped: SNS standard topics
 * do not deduplicate, so the outbox, told the publish failed, publishes again (with the same dedupKey message
 * attribute; alertDelivery.test.ts). These plans lose the responses of every other kind of call.
 */
const lostResponse = (command: string, from: number, count: number): FaultRule => ({ command, from, count, mode: command === 'Publish' ? 'before' : 'lost-response' });

/** The call `share` of the way through the fault-free run's calls of `command` (the 2nd when it made none: a cold start's). */
const callAt = (clean: PipelineRun, command: string, share: number) => Math.max(2, Math.floor((clean.faults.calls[command] ?? 0) * share));

const PLANS: Array<[string, (clean: PipelineRun) => FaultRule[], LambdaOptions, { outlastRetries: boolean }]> = [
  [
    'transient faults in every kind of call, the SDK retrying them (some after the service did the work)',
    (clean) => COMMANDS.flatMap((command) => [
      { command, from: callAt(clean, command, 0.35), count: CLIENT_ATTEMPTS - 2 },
      lostResponse(command, callAt(clean, command, 0.7), 1),
    ]),
    { coldEvery: 9 },
    { outlastRetries: false },
  ],
  [
    'faults that outlast the SDK retries in every kind of call, the failed batch delivered again to the same container',
    (clean) => COMMANDS.map((command) => ({ command, from: callAt(clean, command, 0.5), count: 2 * CLIENT_ATTEMPTS + 1 })),
    { coldEvery: 11 },
    { outlastRetries: true },
  ],
  [
    'faults that outlast the SDK retries, some after the service did the work, each failed batch delivered again to a new container',
    (clean) => COMMANDS.flatMap((command) => [
      lostResponse(command, callAt(clean, command, 0.3), CLIENT_ATTEMPTS + 1),
      { command, from: callAt(clean, command, 0.8), count: CLIENT_ATTEMPTS },
    ]),
    { coldAfterFailure: true, coldEvery: 7 },
    { outlastRetries: true },
  ],
];

describe('injected S3, DynamoDB and SNS faults, through the real handler and pipeline on dynalite and s3rver (SNS is mocked: it has no emulator)', () => {
  let emu: Emulators;
  let lines: string[];
  let clean: PipelineRun;
  beforeAll(async () => {
    emu = await startEmulators();
    lines = attackTraffic();
    clean = await runPipelineOnEmulators(emu, lines, { name: 'clean' });
  }, 120_000);
  afterAll(async () => emu?.stop());

  it('without faults, every risk incident and defect at or above the threshold reaches the topic at its highest severity', () => {
    expect(clean.faults.total).toBe(0);
    expect(clean.lake.risk_events.length).toBeGreaterThan(100);
    expect(clean.lake.quarantine).toHaveLength(3);
    expect(notDelivered(clean.lake.risk_events.map((r) => JSON.parse(r)), clean.lake.defects.map((r) => JSON.parse(r)), clean.delivered, 'high')).toEqual([]);
    // The traffic's escalations went out as escalations: the download defect opened at high, then turned critical.
    // (Risk incidents escalating are covered by test/emit/escalations.test.ts; here every one reached the topic at
    // its highest severity, above.)
    const escalations = clean.delivered.filter((d) => d.message.escalation).map((d) => `${d.message.kind} ${String(d.message.severity)} from ${(d.message.escalation as { from: string }).from}`);
    expect(escalations.filter((e) => e.startsWith('defect'))).toEqual(['defect critical from high']);
    for (const e of escalations) expect(SEVERITIES.indexOf(e.split(' ')[1]), e).toBeGreaterThan(SEVERITIES.indexOf(e.split(' ')[3]));
    expect(new Set(clean.keys).size).toBe(clean.keys.length);
    for (const d of clean.delivered) expect(d.attributes.dedupKey).toBe(d.message.dedupKey);
    expect(clean.queued).toEqual([]);
  });

  it.each(PLANS)('%s: the same findings and the same alerts, each delivered once', async (name, plan, lambda, { outlastRetries }) => {
    const rules = plan(clean);
    const r = await runPipelineOnEmulators(emu, lines, { name: `plan-${PLANS.findIndex((p) => p[0] === name)}`, faults: rules, lambda });
    // Nothing lost, nothing twice: every table's rows, and the alerts by dedup key, as without faults.
    for (const t of Object.keys(clean.lake)) expect(r.lake[t], t).toEqual(clean.lake[t]);
    expect(r.keys).toEqual(clean.keys);
    expect(r.queued).toEqual([]);
    expect(notDelivered(r.lake.risk_events.map((x) => JSON.parse(x)), r.lake.defects.map((x) => JSON.parse(x)), r.delivered, 'high')).toEqual([]);
    // The faults did happen, in every kind of call, and only they failed invocations.
    for (const c of COMMANDS) expect(r.faults.injected[c] ?? 0, c).toBeGreaterThan(0);
    if (outlastRetries) expect(r.lambda.redeliveries).toBeGreaterThan(0);
    else expect(r.lambda.errors.filter((e) => !/Publish/.test(e))).toEqual([]);
    for (const e of r.lambda.errors) expect(e).toMatch(/injected fault/);
    expect(r.metrics.AlertPublishFailed ?? 0).toBeGreaterThan(0);
  });
});
