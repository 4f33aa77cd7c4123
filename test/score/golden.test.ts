import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScoringAnalysis, DETECTORS, type ScoringOptions } from '../../shared/score/index.ts';
import type { Finding } from '../../shared/score/types.ts';
import type { RiskEventRow } from '../../shared/emit/rows.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import type { DiscoveryAnalysis } from '../../shared/engine/types.ts';
import { resolveActors, templateResolver, toEvents, type CompactEvent, type Expected, type Labels, type TemplateDef } from './golden/fixtures.ts';

const ROOT = new URL('./golden/', import.meta.url).pathname;

/** Runs one golden case through the real engine loop; returns flagged (actor, scenario), raw findings and the risk rows. */
export function runCase(dir: string, opts: ScoringOptions = {}): { flagged: Array<{ actor: string; scenario: string }>; findings: Finding[]; evidence: Map<string, Record<string, unknown>>; rows: RiskEventRow[] } {
  const lines = readInput(dir);
  const templates = JSON.parse(readFileSync(join(dir, 'templates.json'), 'utf8')) as TemplateDef[];
  const resolver = templateResolver(templates);
  const discovery: DiscoveryAnalysis<null> = { name: 'discovery', initialState: () => null, closeWindow: () => ({}), resolver: () => resolver };
  const findings: Finding[] = [];
  const scoring = createScoringAnalysis({ ...opts, onFindings: (fs) => findings.push(...fs) });
  const { outputs } = runInMemory(toEvents(lines), discovery, [scoring]);
  const seen = new Map<string, string>();
  const evidence = new Map<string, Record<string, unknown>>();
  const rows = outputs.scoring.flatMap((o) => o.riskEvents ?? []);
  for (const r of rows) {
    // Fingerprint actors are derived from the flagged actors (test/score/uaFingerprint.test.ts covers them).
    if (r.actor_type === 'ua_fingerprint') continue;
    const k = `${r.actor_type}|${r.actor}`;
    if (!seen.has(k)) { seen.set(k, r.scenario); evidence.set(k, JSON.parse(r.evidence)); }
  }
  const flagged = [...seen].map(([actor, scenario]) => ({ actor, scenario })).sort((a, b) => a.actor.localeCompare(b.actor));
  return { flagged, findings, evidence, rows };
}

function readInput(dir: string): CompactEvent[] {
  return readFileSync(join(dir, 'input.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CompactEvent);
}

/** The detectors that report a scenario: a flag's evidence must hold one of them. */
const detectorsOf = (scenario: string) => DETECTORS.filter((d) => d.definition.scenario === scenario).map((d) => d.definition.id);
const key = (r: RiskEventRow) => `${r.actor_type}|${r.actor}`;

const detectors = existsSync(ROOT) ? readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];

describe('golden detector cases', () => {
  for (const det of detectors) {
    for (const name of readdirSync(join(ROOT, det))) {
      const dir = join(ROOT, det, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Labels;
      const actors = (ref: string) => resolveActors(ref, labels);
      it(`${det}/${name}: ${expected.description}`, () => {
        expect(expected.detector, 'a case sits in the folder of the detector it is about').toBe(det);
        expect(DETECTORS.some((d) => d.definition.id === det), `${det} is a detector`).toBe(true);
        const got = runCase(dir);
        const want = expected.flagged.flatMap((f) => actors(f.actors).map((actor) => ({ actor, scenario: f.scenario }))).sort((a, b) => a.actor.localeCompare(b.actor));
        expect(got.flagged).toEqual(want);
        // The look-alikes are really in the input (a typo in a group name would make the case say nothing).
        const seen = new Set(toEvents(readInput(dir)).flatMap((e) => [`ip|${e.ip}`, ...(e.principalId ? [`principal|${e.principalId}`] : [])]));
        for (const g of expected.clean ?? []) {
          expect(actors(`group:${g}`).length, `clean group ${g}`).toBeGreaterThan(0);
          for (const a of actors(`group:${g}`)) expect(seen.has(a), `${a} of ${g} in the input`).toBe(true);
        }
        const fired = new Set(got.findings.filter((f) => f.detector === expected.detector).map((f) => f.actor));
        for (const a of (expected.findings ?? []).flatMap(actors)) expect(fired.has(a), `${expected.detector} finding for ${a}`).toBe(true);
        // Evidence travels with every flag: what a detector of the flag's scenario saw.
        for (const f of want) expect(Object.keys(got.evidence.get(f.actor)!).filter((d) => detectorsOf(f.scenario).includes(d)), f.actor).not.toEqual([]);
        for (const { actors: ref, features } of expected.attributions ?? []) {
          for (const actor of actors(ref)) {
            const named = got.findings.filter((f) => f.detector === expected.detector && f.actor === actor).flatMap((f) => (f.evidence.attributions as Array<{ feature: string }>).map((a) => a.feature));
            expect(named, `${expected.detector} attributions for ${actor}`).toEqual(expect.arrayContaining(features));
          }
        }
        if (expected.amplifier) {
          // Whatever the flag line, an amplifier's finding alone flags nobody.
          expect(DETECTORS.find((d) => d.definition.id === expected.detector)!.definition.role).toBe('amplifier');
          const low = new Set(runCase(dir, { flagThreshold: 1 }).flagged.map((f) => f.actor));
          const alone = (expected.findings ?? []).flatMap(actors).filter((a) => !want.some((f) => f.actor === a));
          expect(alone.filter((a) => low.has(a)), 'flagged by the amplifier alone').toEqual([]);
        }
        if (!expected.amplified) return;
        // An amplifier strengthens the flags it joins: the same actor-window scores lower without it.
        const without = new Map(runCase(dir, { detectors: { [expected.detector]: { enabled: 0 } } }).rows.map((r) => [`${key(r)} ${r.window_start}`, r]));
        for (const actor of expected.amplified.flatMap(actors)) {
          const joined = got.rows.filter((r) => key(r) === actor && r.detectors.includes(expected.detector));
          expect(joined.length, `${actor} flagged with ${expected.detector}`).toBeGreaterThan(0);
          for (const r of joined) {
            expect(r.score, `${actor} at ${r.window_start}`).toBeGreaterThan(without.get(`${actor} ${r.window_start}`)!.score);
            // ...and its evidence is in the row: for the anomaly score, the features that stood out.
            const ev = JSON.parse(r.evidence)[expected.detector] as { attributions?: Array<{ feature: string }> };
            expect(ev, `${expected.detector} evidence in ${actor}'s row`).toBeInstanceOf(Object);
            const features = expected.attributions?.find((x) => actors(x.actors).includes(actor))?.features;
            if (features) expect(ev.attributions!.map((a) => a.feature)).toEqual(expect.arrayContaining(features));
          }
        }
      });
    }
  }
});
