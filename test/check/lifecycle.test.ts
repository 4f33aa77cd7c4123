import { describe, expect, it } from 'vitest';
import { createDefectsAnalysis, defectId } from '../../shared/check/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { fixedDiscovery } from './fixtures.ts';

const T0 = Date.parse('2026-11-23T00:00:00Z');
const H = 3_600_000;

function leak(ts: number, i: number): AccessEvent {
  return {
    requestId: `r${ts}-${i}`, ts, ip: '198.51.100.1', method: 'GET', path: `/orders/${i}`, query: '', resourcePath: '/orders/{id}', status: 500,
    protocol: 'HTTP/1.1', responseLength: 10, userAgent: 'ua', principalId: 'p', apiKeyId: null, integrationLatency: 5, responseLatency: 6,
    domainName: 'api.example.com', stage: 'prod', errorMessage: 'Traceback (most recent call last): File "/app/orders.py", line 12',
  };
}
const templates = new Map<string, string | null>();
for (let i = 0; i < 3; i++) templates.set(`api.example.com GET /orders/${i}`, '/orders/{id}');

describe('defect lifecycle and alerts', () => {
  // Leaks at 0h, 0h+5m and 2h (same incident), then nothing for > resolveAfter, then again at 10h.
  const events = [leak(T0, 0), leak(T0 + 300_000, 1), leak(T0 + 2 * H, 2), leak(T0 + 10 * H, 0)];
  const filler = Array.from({ length: 40 }, (_, k) => ({ ...leak(T0 + k * 15 * 60_000, 9), requestId: `f${k}`, path: '/ping', resourcePath: '/ping', status: 200, errorMessage: null }));
  templates.set('api.example.com GET /ping', '/ping');
  const analysis = createDefectsAnalysis({ checks: ['verbose_error'], resolveAfterMs: 4 * H, minAlertSeverity: 'medium' });
  const { outputs, states } = runInMemory([...events, ...filler], fixedDiscovery(templates), [analysis]);
  const rows = outputs.defects.flatMap((o) => o.defects ?? []);
  // Findings' alerts; the resolution notice between them is test/emit/defectResolved.test.ts's.
  const alerts = outputs.defects.flatMap((o) => o.alerts ?? []).filter((a) => a.kind === 'defect');

  it('keeps one stable defect id per (type, domain, method, template)', () => {
    expect(new Set(rows.map((r) => r.defect_id))).toEqual(new Set([defectId('verbose_error', 'api.example.com', 'GET', '/orders/{id}')]));
    expect(defectId('verbose_error', 'api.example.com', 'GET', '/orders/{id}')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('opens, updates at most hourly, resolves after the quiet period and reopens', () => {
    expect(rows.map((r) => [r.status, r.occurrences])).toEqual([
      ['open', 1], // 00:00 opened (the 00:05 repeat is within the hour: no row)
      ['open', 3], // 02:00 occurrences changed, an hour after the last row
      ['resolved', 3], // 06:00+ not seen for 4 h
      ['reopened', 4], // 10:00 seen again
    ]);
    expect(rows[0].first_seen).toBe(new Date(T0).toISOString());
    expect(rows[3].last_seen).toBe(new Date(T0 + 10 * H).toISOString());
  });

  it('alerts once per lifecycle generation with a readable subject and an Athena query', () => {
    expect(alerts.map((a) => a.dedupKey)).toEqual([`${rows[0].defect_id}#1`, `${rows[0].defect_id}#2`]);
    expect(alerts[0].subject).toContain('Error messages leak internals');
    expect(alerts[0].subject).toContain('GET api.example.com/orders/{id}');
    expect(alerts[1].subject).toContain('Reopened');
    expect(alerts[0].body).toMatchObject({ defectType: 'verbose_error', owasp: 'API8:2023', where: { domain: 'api.example.com', method: 'GET', template: '/orders/{id}' } });
    expect(String(alerts[0].body.athenaQuery)).toContain(`defect_id = '${rows[0].defect_id}'`);
    expect(String(alerts[0].body.howToFix)).toMatch(/generic error/);
  });

  it('respects the alert threshold', () => {
    const quiet = runInMemory([...events, ...filler], fixedDiscovery(templates), [createDefectsAnalysis({ checks: ['verbose_error'], minAlertSeverity: 'critical' })]);
    expect(quiet.outputs.defects.flatMap((o) => o.alerts ?? [])).toEqual([]);
  });

  it('keeps what leaked as JSON evidence, per lifecycle generation, and the state JSON-serialisable', () => {
    const json = JSON.stringify(states.defects);
    expect(JSON.parse(json)).toEqual(states.defects);
    // (Masking happens before the checks see an event: test/check/noRawSensitive.test.ts.)
    const evidence = rows.map((r) => JSON.parse(r.evidence) as { leaks: string[]; sample: string; generation: number });
    expect(evidence.map((e) => [e.leaks, e.sample, e.generation])).toEqual([1, 1, 1, 2].map((g) => [['file_path', 'stack_trace'], leak(0, 0).errorMessage, g]));
  });

  it('is deterministic: the same input gives the same rows', () => {
    const again = runInMemory([...filler, ...events].reverse(), fixedDiscovery(templates), [createDefectsAnalysis({ checks: ['verbose_error'], resolveAfterMs: 4 * H, minAlertSeverity: 'medium' })]);
    expect(again.outputs.defects.flatMap((o) => o.defects ?? [])).toEqual(rows);
  });
});

describe('severity escalation', () => {
  it('alerts once when an open defect first reaches the alert level, and writes a row for it', () => {
    const mk = (ts: number, msg: string): AccessEvent => ({ ...leak(ts, 0), errorMessage: msg });
    const evs = [
      mk(T0, 'Traceback (most recent call last): File "/app/x.py", line 3'), // medium
      mk(T0 + 10 * 60_000, 'ERROR: syntax error at or near "FROM" SQLSTATE 42601'), // high -> escalates
      mk(T0 + 20 * 60_000, 'ERROR: syntax error at or near "FROM" SQLSTATE 42601'), // still high: no new alert
    ];
    const { outputs } = runInMemory(evs, fixedDiscovery(templates), [createDefectsAnalysis({ checks: ['verbose_error'], minAlertSeverity: 'high' })]);
    const rows = outputs.defects.flatMap((o) => o.defects ?? []);
    // Findings' alerts; the resolution notice between them is test/emit/defectResolved.test.ts's.
  const alerts = outputs.defects.flatMap((o) => o.alerts ?? []).filter((a) => a.kind === 'defect');
    expect(rows.map((r) => [r.status, r.severity])).toEqual([['open', 'medium'], ['open', 'high'], ['open', 'high']]);
    expect(alerts.map((a) => [a.dedupKey.endsWith('#1'), a.severity])).toEqual([[true, 'high']]);
  });
});
