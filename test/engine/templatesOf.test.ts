import { describe, expect, it } from 'vitest';
import { simulateTraffic } from '../../local/simulator.ts';
import { normalizeRecord } from '../../shared/normalize/normalizeRecord.ts';
import { createDiscoveryAnalysis } from '../../shared/discover/index.ts';
import { indexPaths } from '../../shared/engine/windowPaths.ts';
import { compareEvents, windowOf } from '../../shared/engine/windowOf.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';

describe("discovery's templates by path number", () => {
  it('answer what templateOf answers for every path of the window just closed, and nothing for another window', () => {
    const { lines } = simulateTraffic({ seed: 9, hours: 1, rate: 150 });
    const events = lines.map((l) => normalizeRecord(l)).flatMap((r) => (r.ok ? [r.event] : [])).sort(compareEvents);
    const d = createDiscoveryAnalysis();
    const state = d.initialState();
    let checked = 0, matched = 0, previous = null as ReturnType<typeof indexPaths> | null;
    for (let i = 0; i < events.length;) {
      const ws = windowOf(events[i].ts, 300_000);
      let j = i;
      while (j < events.length && events[j].ts < ws + 300_000) j++;
      const win = events.slice(i, j);
      const paths = indexPaths(win);
      d.closeWindow(win, state, { windowStart: ws, windowEnd: ws + 300_000, endpoints: d.resolver(state), paths });
      const resolver = d.resolver(state);
      const templates = resolver.templatesOf!(paths)!;
      expect(templates).toHaveLength(paths.size);
      for (let k = 0; k < paths.size; k++) {
        const e = win[paths.firstEvent[k]];
        expect(templates[k]).toBe(resolver.templateOf(e.domainName, e.method, e.path));
        checked++;
        if (templates[k] !== null) matched++;
      }
      if (previous) expect(resolver.templatesOf!(previous)).toBeUndefined();
      previous = paths;
      i = j;
    }
    // Finish infers only where the trie grew since the last inference. Here every close inferred, so finish
    // changes nothing and the last window's answers stand, still templateOf's.
    const last = previous!;
    const lastWs = windowOf(events[events.length - 1].ts, 300_000);
    const lastWindow = events.filter((e) => windowOf(e.ts, 300_000) === lastWs);
    expect(Object.values(state.domains).filter((s) => s.gen !== s.inferredGen)).toEqual([]);
    d.finish(state, { windowStart: 0, windowEnd: 0, endpoints: d.resolver(state) });
    const after = d.resolver(state);
    const kept = after.templatesOf!(last)!;
    expect(kept).toHaveLength(last.size);
    for (let k = 0; k < last.size; k++) {
      const e = lastWindow[last.firstEvent[k]];
      expect(kept[k]).toBe(after.templateOf(e.domainName, e.method, e.path));
    }
    expect(checked).toBeGreaterThan(1000);
    expect(matched).toBeGreaterThan(checked / 2);
    expect(matched).toBeLessThan(checked);
  });

  it('are withdrawn when finish infers again over paths the last close did not infer over', () => {
    // A trie of 5,000+ nodes is inferred at most every 15 minutes: a new collection five minutes after 6,000
    // order ids waits for the next inference, which finish then runs.
    const ev = (i: number, ts: number, path = `/orders/ord_${(0x10000000 + i).toString(16)}`): AccessEvent => ({
      requestId: `r${i}`, ts, ip: '198.51.100.20', method: 'GET', path, query: '', resourcePath: null, status: 200,
      protocol: 'HTTP/1.1', responseLength: 100, userAgent: 'okhttp/4.12.0', principalId: null, apiKeyId: 'pk-1', integrationLatency: 5, responseLatency: 6, domainName: 'api.example.com', stage: 'prod', errorMessage: null,
    });
    const T = Date.UTC(2026, 10, 23, 10, 0, 0);
    const d = createDiscoveryAnalysis();
    const state = d.initialState();
    const close = (events: AccessEvent[], ws: number) => { const paths = indexPaths(events); d.closeWindow(events, state, { windowStart: ws, windowEnd: ws + 300_000, endpoints: d.resolver(state), paths }); return paths; };
    close(Array.from({ length: 6000 }, (_, i) => ev(i, T + i * 10)), T);
    const late = close([1, 2, 3].map((n) => ev(100_000 + n, T + 300_000 + n, `/customers/${n}`)), T + 300_000);
    const answers = d.resolver(state).templatesOf!(late)!;
    expect(answers).toHaveLength(3);
    expect(state.domains['api.example.com'].gen - state.domains['api.example.com'].inferredGen).toBe(3); // three requests grew the trie
    d.finish(state, { windowStart: T + 300_000, windowEnd: T + 600_000, endpoints: d.resolver(state) });
    expect(state.domains['api.example.com'].gen).toBe(state.domains['api.example.com'].inferredGen);
    expect(d.resolver(state).templatesOf!(late)).toBeUndefined();
  });
});
