import { describe, expect, it } from 'vitest';
import { boundedEwma, learnActorRate, WINDOWS_PER_DAY } from '../../shared/score/baselines.ts';
import { volumeSpike } from '../../shared/score/detectors/volumeSpike.ts';
import { initialScoringState, newProfile, type ScoringState } from '../../shared/score/state.ts';
import { buildWindow } from '../../shared/score/window.ts';
import { createIpReputation } from '../../shared/score/ipReputation.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import type { EndpointResolver } from '../../shared/engine/types.ts';

const resolver: EndpointResolver = { templateOf: () => '/v1/reports', endpointInfo: () => undefined };
const T0 = Date.UTC(2026, 0, 1);

function windowOf(ip: string, n: number, ws: number): AccessEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    requestId: `r${i}`, ts: ws + i, ip, method: 'GET', path: '/v1/reports', query: '', resourcePath: null, status: 200, protocol: 'HTTP/1.1',
    responseLength: 100, userAgent: 'example-sdk/1.0', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1,
    domainName: 'api.example.test', stage: 'prod', errorMessage: null,
  }));
}

describe('baselines resist poisoning', () => {
  it('a bounded EWMA moves a few % at most, however large the sample', () => {
    expect(boundedEwma(100, 10_000, 0.1, 0.02)).toBeCloseTo(102);
    expect(boundedEwma(100, 104, 0.1, 0.02)).toBeCloseTo(100.4);
  });

  it('a caller ramping 5 % a day is caught as a slow ramp within four weeks; an unbounded EWMA would follow it', () => {
    // Simulate the learned rate over 28 days of a caller active every window, its volume growing 5 %/day.
    let rate = 0, naive = 0, rateN = 0, n = 20;
    const days = 28;
    for (let w = 0; w < days * WINDOWS_PER_DAY; w++) {
      n = 20 * Math.pow(1.05, w / WINDOWS_PER_DAY);
      rate = learnActorRate(rate, rateN, n); rateN++;
      naive = rateN === 1 ? n : naive + 0.05 * (n - naive);
    }
    expect(n / naive).toBeLessThan(1.05); // a plain EWMA learns the ramp as normal
    expect(n / rate).toBeGreaterThan(3); // the bounded one keeps the memory of what normal was

    // The detector fires on the actor's current window against that profile (slow_ramp), not on a steady twin.
    const ws = T0 + days * 86_400_000;
    const state: ScoringState = initialScoringState();
    const mk = (ip: string, r: number) => {
      const p = newProfile('ip', T0); p.rate = r; p.rateN = rateN; p.ls = ws - 1;
      p.acc.n = n * (7_200_000 / 300_000 / Math.LN2); p.acc.ts = ws; // recent traffic at the current level
      state.profiles[`ip|${ip}`] = p;
    };
    mk('198.51.100.7', rate);
    mk('198.51.100.8', n); // a caller whose baseline matches its volume
    const events = [...windowOf('198.51.100.7', Math.round(n), ws), ...windowOf('198.51.100.8', Math.round(n), ws)];
    const view = buildWindow(events, resolver, state.profiles, ws, ws + 300_000);
    const f = volumeSpike.detect({ window: view, state, resolver, reputation: createIpReputation(), findings: [] }, volumeSpike.definition.thresholds);
    expect(f.map((x) => x.actor)).toEqual(['ip|198.51.100.7']);
    expect(f[0].evidence.kind).toBe('slow_ramp');
  });

  it('a daily cycle does not look like a ramp', () => {
    let rate = 0, rateN = 0, worst = 0;
    for (let w = 0; w < 14 * WINDOWS_PER_DAY; w++) {
      const hour = (w % WINDOWS_PER_DAY) / 12;
      const n = 10 + 30 * Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12)); // 10 at night, 40 at noon
      if (rateN >= 2016) worst = Math.max(worst, n / rate);
      rate = learnActorRate(rate, rateN, n); rateN++;
    }
    expect(worst).toBeLessThan(volumeSpike.definition.thresholds.rampMultiple);
  });
});
