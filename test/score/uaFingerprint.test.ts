import { describe, expect, it } from 'vitest';
import { simulateTraffic } from '../../local/simulator.ts';
import { normalizeRecord } from '../../shared/normalize/normalizeRecord.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import { createDiscoveryAnalysis } from '../../shared/discover/index.ts';
import { createScoringAnalysis, uaFingerprint } from '../../shared/score/index.ts';
import type { RiskEventRow } from '../../shared/emit/rows.ts';

describe('user-agent fingerprint actors', () => {
  it('names the client a distributed attack shares, and never a browser build that customers use too', () => {
    const { lines, attacks } = simulateTraffic({ seed: 21, hours: 3, rate: 40 });
    const events = lines.map((l) => normalizeRecord(l)).flatMap((r) => (r.ok ? [r.event] : []));
    const out = runInMemory(events, createDiscoveryAnalysis(), [createScoringAnalysis()]);
    const rows = out.outputs.scoring.flatMap((o) => o.riskEvents ?? []) as RiskEventRow[];
    const fp = rows.filter((r) => r.actor_type === 'ua_fingerprint');
    expect(fp.length).toBeGreaterThan(0);
    expect(new Set(fp.map((r) => r.actor))).toEqual(new Set([uaFingerprint('python-requests/2.32.3')]));
    expect(fp.every((r) => r.scenario === 'credential_stuffing')).toBe(true);
    const ev = JSON.parse(fp[0].evidence).ua_fingerprint;
    expect(ev.userAgent).toBe('python-requests/2.32.3');
    // Its members are the stuffing addresses that were active in the window, every one of them.
    const [ws, we] = [Date.parse(fp[0].window_start), Date.parse(fp[0].window_end)];
    const stuffing = new Set(attacks.find((a) => a.scenario === 'credential_stuffing')!.actors);
    const active = new Set(events.filter((e) => stuffing.has(e.ip) && e.ts >= ws && e.ts < we).map((e) => `ip|${e.ip}`));
    expect(new Set(fp[0].related_actors)).toEqual(active);
    expect(ev.flaggedActors).toBe(active.size);
  });
});
