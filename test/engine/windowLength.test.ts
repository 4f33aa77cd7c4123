import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import type { AnalysisOutput, DiscoveryAnalysis } from '../../shared/engine/types.ts';
import { createScoringAnalysis } from '../../shared/score/index.ts';
import { templateResolver, toEvents, type CompactEvent, type TemplateDef } from '../score/golden/fixtures.ts';

/** Flagged `<actor> <scenario>` pairs (first scenario per actor, fingerprints left out) and defect ids of a run. */
function verdicts(outputs: AnalysisOutput[]): { flagged: string[]; defects: string[] } {
  const seen = new Map<string, string>();
  for (const r of outputs.flatMap((o) => o.riskEvents ?? [])) {
    if (r.actor_type === 'ua_fingerprint') continue;
    const k = `${r.actor_type}|${r.actor}`;
    if (!seen.has(k)) seen.set(k, r.scenario);
  }
  return {
    flagged: [...seen].map(([a, s]) => `${a} ${s}`).sort(),
    defects: [...new Set(outputs.flatMap((o) => o.defects ?? []).map((d) => `${d.defect_id} ${d.defect_type}`))].sort(),
  };
}

const GOLDEN = new URL('../score/golden/', import.meta.url).pathname;

function goldenRun(dir: string, windowMs: number): string[] {
  const lines = readFileSync(join(dir, 'input.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CompactEvent);
  const resolver = templateResolver(JSON.parse(readFileSync(join(dir, 'templates.json'), 'utf8')) as TemplateDef[]);
  const discovery: DiscoveryAnalysis<null> = { name: 'discovery', initialState: () => null, closeWindow: () => ({}), resolver: () => resolver };
  return verdicts(runInMemory(toEvents(lines), discovery, [createScoringAnalysis()], windowMs).outputs.scoring).flagged;
}

describe('the window length is a parameter of every stage', () => {
  for (const det of readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    for (const name of readdirSync(join(GOLDEN, det))) {
      it(`golden ${det}/${name}: the same flags at 1 and 5 minutes`, () => {
        const dir = join(GOLDEN, det, name);
        const five = goldenRun(dir, 300_000);
        // Attack cases flag someone at 5 minutes, so their equality at 1 minute says something.
        if (name.startsWith('attack')) expect(five.length).toBeGreaterThan(0);
        expect(goldenRun(dir, 60_000)).toEqual(five);
      });
    }
  }
});
