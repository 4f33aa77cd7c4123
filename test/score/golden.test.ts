import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScoringAnalysis } from '../../shared/score/index.ts';
import type { Finding } from '../../shared/score/types.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import type { DiscoveryAnalysis } from '../../shared/engine/types.ts';
import { templateResolver, toEvents, type CompactEvent, type Expected, type TemplateDef } from './golden/fixtures.ts';

const ROOT = new URL('./golden/', import.meta.url).pathname;

/** Runs one golden case through the real engine loop; returns flagged (actor, scenario) and raw findings. */
export function runCase(dir: string): { flagged: Array<{ actor: string; scenario: string }>; findings: Finding[]; evidence: Map<string, unknown> } {
  const lines = readFileSync(join(dir, 'input.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CompactEvent);
  const templates = JSON.parse(readFileSync(join(dir, 'templates.json'), 'utf8')) as TemplateDef[];
  const resolver = templateResolver(templates);
  const discovery: DiscoveryAnalysis<null> = { name: 'discovery', initialState: () => null, closeWindow: () => ({}), resolver: () => resolver };
  const findings: Finding[] = [];
  const scoring = createScoringAnalysis({ onFindings: (fs) => findings.push(...fs) });
  const { outputs } = runInMemory(toEvents(lines), discovery, [scoring]);
  const seen = new Map<string, string>();
  const evidence = new Map<string, unknown>();
  for (const o of outputs.scoring) for (const r of o.riskEvents ?? []) {
    // Fingerprint actors are derived from the flagged actors (test/score/uaFingerprint.test.ts covers them).
    if (r.actor_type === 'ua_fingerprint') continue;
    const k = `${r.actor_type}|${r.actor}`;
    if (!seen.has(k)) { seen.set(k, r.scenario); evidence.set(k, JSON.parse(r.evidence)); }
  }
  const flagged = [...seen].map(([actor, scenario]) => ({ actor, scenario })).sort((a, b) => a.actor.localeCompare(b.actor));
  return { flagged, findings, evidence };
}

const detectors = existsSync(ROOT) ? readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];

describe('golden detector cases', () => {
  for (const det of detectors) {
    for (const name of readdirSync(join(ROOT, det))) {
      const dir = join(ROOT, det, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      it(`${det}/${name}: ${expected.description}`, () => {
        const got = runCase(dir);
        expect(got.flagged).toEqual(expected.flagged);
        const fired = new Set(got.findings.filter((f) => f.detector === expected.detector).map((f) => f.actor));
        for (const a of expected.findings ?? []) expect(fired.has(a), `${expected.detector} finding for ${a}`).toBe(true);
        // Evidence travels with every flag: the detector that fired and what it saw.
        for (const f of expected.flagged) expect(Object.keys(got.evidence.get(f.actor) as object).length).toBeGreaterThan(0);
      });
    }
  }
});
