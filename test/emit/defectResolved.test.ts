import { describe, expect, it } from 'vitest';
import { createDefectsAnalysis } from '../../shared/check/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import { renderAlert } from '../../shared/emit/renderAlert.ts';
import { planAlerts } from '../../shared/emit/planAlerts.ts';
import { notificationSchema } from '../../shared/tickets/notifications.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { fixedDiscovery } from '../check/fixtures.ts';

const T0 = Date.parse('2026-11-23T00:00:00Z');
const H = 3_600_000;

const leak = (ts: number, i: number): AccessEvent => ({
  requestId: `r${ts}-${i}`, ts, ip: '198.51.100.1', method: 'GET', path: `/orders/${i}`, query: '', resourcePath: '/orders/{id}', status: 500,
  protocol: 'HTTP/1.1', responseLength: 10, userAgent: 'ua', principalId: 'p', apiKeyId: null, integrationLatency: 5, responseLatency: 6,
  domainName: 'api.example.com', stage: 'prod', errorMessage: 'Traceback (most recent call last): File "/app/orders.py", line 12',
});

describe('defect_resolved notices', () => {
  // A verbose error at 00:00 and 02:00, quiet for more than the 4 h quiet time, again at 10:00, quiet to the end.
  const templates = new Map<string, string | null>([['api.example.com GET /orders/0', '/orders/{id}'], ['api.example.com GET /ping', '/ping']]);
  const filler = Array.from({ length: 64 }, (_, k) => ({ ...leak(T0 + k * 15 * 60_000, 9), requestId: `f${k}`, path: '/ping', resourcePath: '/ping', status: 200, errorMessage: null }));
  const run = (minAlertSeverity: 'medium' | 'critical') =>
    runInMemory([leak(T0, 0), leak(T0 + 2 * H, 0), leak(T0 + 10 * H, 0), ...filler], fixedDiscovery(templates), [createDefectsAnalysis({ checks: ['verbose_error'], resolveAfterMs: 4 * H, minAlertSeverity })]);

  it('one per resolution, keyed <id>#<generation>#resolved, in the shape the ticket function reads', () => {
    const { outputs } = run('medium');
    const rows = outputs.defects.flatMap((o) => o.defects ?? []);
    const notices = outputs.defects.flatMap((o) => o.alerts ?? []).filter((a) => a.kind === 'defect_resolved');
    const id = rows[0].defect_id;
    // Resolved at 06:xx (generation 1) and again at 14:xx after the reopening at 10:00 (generation 2).
    expect(notices.map((a) => a.dedupKey)).toEqual([`${id}#1#resolved`, `${id}#2#resolved`]);
    expect(rows.filter((r) => r.status === 'resolved')).toHaveLength(2);
    const r = renderAlert(notices[0]);
    expect(r.attributes).toEqual({ severity: 'medium', kind: 'defect_resolved', dedupKey: `${id}#1#resolved` });
    expect(r.subject).toBe('[apiscope] MEDIUM Resolved: Error messages leak internals: GET api.example.com/orders/{id}');
    const message = JSON.parse(r.message);
    expect(message).toEqual({
      kind: 'defect_resolved', severity: 'medium', dedupKey: `${id}#1#resolved`, time: new Date(notices[0].ts).toISOString(),
      defectId: id, defectType: 'verbose_error', what: 'Error messages leak internals', generation: 1,
      where: { domain: 'api.example.com', method: 'GET', template: '/orders/{id}' }, lastSeen: new Date(T0 + 2 * H).toISOString(),
    });
    // The ticket function's own schema accepts it as a resolution (not as a defect alert).
    expect(notificationSchema.parse(message)).toMatchObject({ kind: 'defect_resolved', defectId: id, lastSeen: message.lastSeen, generation: 1 });
    // Resolved in the first window at least 4 h after it was last seen.
    expect(notices[0].ts - (T0 + 2 * H)).toBeGreaterThanOrEqual(4 * H);
    expect(notices[0].ts - (T0 + 2 * H)).toBeLessThan(4 * H + 15 * 60_000);
  });

  it('go out whatever the alert threshold, which still holds back the defect alerts below it', () => {
    const { outputs } = run('critical');
    const alerts = outputs.defects.flatMap((o) => o.alerts ?? []);
    const plan = planAlerts(alerts, {}, T0, T0 + 300_000, 'critical');
    expect(plan.deliver.map((a) => a.kind)).toEqual(['defect_resolved', 'defect_resolved']);
    const planned = planAlerts(run('medium').outputs.defects.flatMap((o) => o.alerts ?? []), {}, T0, T0 + 300_000, 'critical');
    expect([planned.deliver.length, planned.belowThreshold]).toEqual([2, 2]);
  });
});
