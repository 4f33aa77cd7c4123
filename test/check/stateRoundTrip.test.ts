/**
 * The deployed engine persists each analysis's state as JSON between windows. Running every golden fixture with
 * the state serialised and parsed after each window must give exactly the rows of an in-memory run.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDefectsAnalysis, type DefectsOptions } from '../../shared/check/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import { compareEvents, windowOf } from '../../shared/engine/windowOf.ts';
import { DEFAULT_WINDOW_MS } from '../../shared/engine/types.ts';
import type { DefectRow } from '../../shared/emit/rows.ts';
import { fixedDiscovery, readFixture } from './fixtures.ts';

const root = new URL('./golden/', import.meta.url).pathname;

describe('defects state survives a JSON round trip after every window', () => {
  for (const name of readdirSync(root).filter((d) => existsSync(join(root, d, 'events.ndjson'))).sort()) {
    it(name, () => {
      const dir = join(root, name);
      const opts: DefectsOptions = existsSync(join(dir, 'options.json')) ? JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) : {};
      const { events, templates } = readFixture(join(dir, 'events.ndjson'));
      const discovery = fixedDiscovery(templates);
      const expected = runInMemory(events, discovery, [createDefectsAnalysis(opts)]).outputs.defects.flatMap((o) => o.defects ?? []);

      const a = createDefectsAnalysis(opts);
      let state = a.initialState();
      const rows: DefectRow[] = [];
      const sorted = [...events].sort(compareEvents);
      let ctx = null as null | { windowStart: number; windowEnd: number; endpoints: ReturnType<typeof discovery.resolver> };
      for (let i = 0; i < sorted.length;) {
        const ws = windowOf(sorted[i].ts, DEFAULT_WINDOW_MS);
        let j = i;
        while (j < sorted.length && sorted[j].ts < ws + DEFAULT_WINDOW_MS) j++;
        ctx = { windowStart: ws, windowEnd: ws + DEFAULT_WINDOW_MS, endpoints: discovery.resolver({}) };
        rows.push(...(a.closeWindow(sorted.slice(i, j), state, ctx).defects ?? []));
        state = JSON.parse(JSON.stringify(state));
        i = j;
      }
      if (ctx) rows.push(...(a.finish!(state, ctx).defects ?? []));
      expect(rows).toEqual(expected);
    });
  }
});
