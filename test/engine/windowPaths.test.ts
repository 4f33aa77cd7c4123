import { describe, expect, it } from 'vitest';
import { indexPaths, windowPathsOf } from '../../shared/engine/windowPaths.ts';
import { simulateTraffic } from '../../local/simulator.ts';
import { normalizeRecord } from '../../shared/normalize/normalizeRecord.ts';
import { createMasker } from '../../shared/sensitive/maskPath.ts';
import { maskEvent } from '../../shared/normalize/maskEvent.ts';
import { createDiscoveryAnalysis } from '../../shared/discover/index.ts';
import { createDefectsAnalysis } from '../../shared/check/index.ts';
import { createScoringAnalysis } from '../../shared/score/index.ts';
import { compareEvents, windowOf } from '../../shared/engine/windowOf.ts';
import type { Analysis, WindowContext } from '../../shared/engine/types.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';

const ev = (domainName: string, method: string, path: string): AccessEvent => ({
  requestId: `${domainName}${method}${path}`, ts: 0, ip: '10.0.0.1', method, path, query: '', resourcePath: null, status: 200, protocol: 'HTTP/1.1',
  responseLength: 0, userAgent: '', principalId: null, apiKeyId: null, integrationLatency: null, responseLatency: null, domainName, stage: '', errorMessage: null,
});

describe('window path numbers', () => {
  it('gives one number per distinct (domain, method, path), in order of first appearance', () => {
    const events = [ev('a', 'GET', '/x'), ev('a', 'GET', '/y'), ev('a', 'POST', '/x'), ev('b', 'GET', '/x'), ev('a', 'GET', '/x'), ev('b', 'GET', '/x'), ev('a', 'POST', '/x')];
    const p = indexPaths(events);
    expect(p.size).toBe(4);
    expect([...p.slotOf]).toEqual([0, 1, 2, 3, 0, 3, 2]);
    expect([...p.firstEvent]).toEqual([0, 1, 2, 3]);
  });

  it('uses numbers made for the same events, and makes its own for other events', () => {
    const events = [ev('a', 'GET', '/x'), ev('a', 'GET', '/x')];
    const made = indexPaths(events);
    expect(windowPathsOf(events, made)).toBe(made);
    expect(windowPathsOf([events[0]], made).size).toBe(1);
    expect(windowPathsOf(events, undefined).slotOf).toEqual(made.slotOf);
  });

  it('every analysis finds the same with numbers from the pipeline as with numbers of its own', () => {
    const masker = createMasker('test-key');
    const { lines } = simulateTraffic({ seed: 5, hours: 1, rate: 200 });
    const events = lines.map((l) => normalizeRecord(l)).flatMap((r) => (r.ok ? [maskEvent(r.event, masker)] : [])).sort(compareEvents);
    const run = (share: boolean) => {
      const d = createDiscoveryAnalysis();
      const others: Analysis<any>[] = [createDefectsAnalysis(), createScoringAnalysis()];
      const states: any[] = [d.initialState(), ...others.map((a) => a.initialState())];
      const outs: unknown[] = [];
      for (let i = 0; i < events.length;) {
        const ws = windowOf(events[i].ts, 300_000);
        let j = i;
        while (j < events.length && events[j].ts < ws + 300_000) j++;
        const win = events.slice(i, j);
        const base: WindowContext = { windowStart: ws, windowEnd: ws + 300_000, endpoints: d.resolver(states[0]), paths: share ? indexPaths(win) : undefined };
        outs.push(d.closeWindow(win, states[0], base));
        const after = { ...base, endpoints: d.resolver(states[0]) };
        others.forEach((a, k) => outs.push(a.closeWindow(win, states[k + 1], after)));
        i = j;
      }
      return JSON.stringify({ outs, states });
    };
    const shared = run(true);
    expect(shared.length).toBeGreaterThan(10_000);
    expect(shared).toBe(run(false));
  });
});
