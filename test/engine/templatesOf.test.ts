import { describe, expect, it } from 'vitest';
import { simulateTraffic } from '../../local/simulator.ts';
import { normalizeRecord } from '../../shared/normalize/normalizeRecord.ts';
import { createDiscoveryAnalysis } from '../../shared/discover/index.ts';
import { indexPaths } from '../../shared/engine/windowPaths.ts';
import { compareEvents, windowOf } from '../../shared/engine/windowOf.ts';

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
    // After finish (which may infer again) the answers are either gone or still templateOf's.
    const last = previous!;
    const lastWindow = events.filter((e) => windowOf(e.ts, 300_000) === windowOf(events[events.length - 1].ts, 300_000));
    d.finish(state, { windowStart: 0, windowEnd: 0, endpoints: d.resolver(state) });
    const after = d.resolver(state);
    const kept = after.templatesOf!(last);
    if (kept) for (let k = 0; k < last.size; k++) {
      const e = lastWindow[last.firstEvent[k]];
      expect(kept[k]).toBe(after.templateOf(e.domainName, e.method, e.path));
    }
    expect(checked).toBeGreaterThan(1000);
    expect(matched).toBeGreaterThan(checked / 2);
    expect(matched).toBeLessThan(checked);
  });
});
