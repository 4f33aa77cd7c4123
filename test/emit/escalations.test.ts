import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDefectsAnalysis } from '../../shared/check/index.ts';
import { createScoringAnalysis } from '../../shared/score/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import { renderAlert } from '../../shared/emit/renderAlert.ts';
import type { DiscoveryAnalysis } from '../../shared/engine/types.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { fixedDiscovery } from '../check/fixtures.ts';
import { templateResolver, toEvents, type CompactEvent, type TemplateDef } from '../score/golden/fixtures.ts';

describe('escalations alert again, once per severity, under a key of their own', () => {
  it('a risk incident that opens at medium and reaches high: a second alert, risk:<incident>:high, saying from what', () => {
    // The scoring golden case of an anonymous file sweep, with the detector's confidence set to start low and
    // to rise once the sweep turns heavy: medium in its first windows, high after.
    const dir = new URL('../score/golden/unauth_bulk_download/attack_anonymous_file_sweep/', import.meta.url).pathname;
    const events = toEvents(readFileSync(`${dir}input.ndjson`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CompactEvent));
    const resolver = templateResolver(JSON.parse(readFileSync(`${dir}templates.json`, 'utf8')) as TemplateDef[]);
    const discovery: DiscoveryAnalysis<null> = { name: 'discovery', initialState: () => null, closeWindow: () => ({}), resolver: () => resolver };
    const scoring = createScoringAnalysis({ detectors: { unauth_bulk_download: { baseConfidence: 0.6, heavyBoost: 0.3, heavyMultiple: 8 } } });
    const alerts = runInMemory(events, discovery, [scoring]).outputs.scoring.flatMap((o) => o.alerts ?? []);
    expect(alerts.map((a) => [a.body.actor, a.severity, a.escalatedFrom ?? null])).toEqual([['95.216.66.93', 'medium', null], ['95.216.66.93', 'high', 'medium']]);
    const [open, escalation] = alerts;
    expect(escalation.dedupKey).toBe(`${open.dedupKey}:high`);
    const r = renderAlert(escalation);
    expect(r.subject).toBe('[apiscope] HIGH escalated from MEDIUM: unauth_bulk_download by ip 95.216.66.93 on api.example.test');
    expect(JSON.parse(r.message)).toMatchObject({ dedupKey: escalation.dedupKey, escalation: { from: 'medium' }, severity: 'high' });
    expect(r.attributes).toEqual({ severity: 'high', kind: 'risk', dedupKey: escalation.dedupKey, escalatedFrom: 'medium' });
  });

  it('a defect that alerted at medium and escalates to high: one more alert, <id>#<generation>:high, and none for more of the same', () => {
    const T0 = Date.parse('2026-11-23T00:00:00Z');
    const leak = (ts: number, msg: string): AccessEvent => ({
      requestId: `r${ts}`, ts, ip: '198.51.100.1', method: 'GET', path: '/orders/1', query: '', resourcePath: '/orders/{id}', status: 500, protocol: 'HTTP/1.1',
      responseLength: 10, userAgent: 'ua', principalId: 'p', apiKeyId: null, integrationLatency: 5, responseLatency: 6, domainName: 'api.example.com', stage: 'prod', errorMessage: msg,
    });
    const events = [
      leak(T0, 'Traceback (most recent call last): File "/app/x.py", line 3'), // medium
      leak(T0 + 10 * 60_000, 'ERROR: syntax error at or near "FROM" SQLSTATE 42601'), // high
      leak(T0 + 20 * 60_000, 'ERROR: syntax error at or near "FROM" SQLSTATE 42601'), // still high
    ];
    const { outputs } = runInMemory(events, fixedDiscovery(new Map([['api.example.com GET /orders/1', '/orders/{id}']])), [createDefectsAnalysis({ checks: ['verbose_error'], minAlertSeverity: 'medium' })]);
    const alerts = outputs.defects.flatMap((o) => o.alerts ?? []);
    const id = String(alerts[0].body.defectId);
    expect(alerts.map((a) => [a.dedupKey, a.severity, a.escalatedFrom ?? null])).toEqual([[`${id}#1`, 'medium', null], [`${id}#1:high`, 'high', 'medium']]);
    // 100 characters at most, as SNS requires.
    expect(renderAlert(alerts[1]).subject).toBe('[apiscope] HIGH escalated from MEDIUM: Error messages leak internals: GET api.example.com/orders/{id');
  });
});
