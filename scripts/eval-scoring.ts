/**
 * Scores caller-risk detection on the dev evaluation sample.
 *   node --import tsx scripts/eval-scoring.ts            (APISCOPE_EVAL_DIR overrides ../shared/eval)
 * Env: APISCOPE_EVAL_RESOLVER=truth forces the development resolver built from truth.ndjson instead of discovery;
 *      APISCOPE_EVAL_OUT=<dir> keeps flags/risk events there (default: a temp dir);
 *      APISCOPE_EVAL_DETECTORS='{"enumeration":{"minDistinctIds":40}}' overrides detector thresholds (sensitivity checks).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { execFileSync } from 'node:child_process';
import { loadEvents, evalDir } from '../local/loadEvents.ts';
import { runInMemory } from '../shared/engine/runInMemory.ts';
import type { DiscoveryAnalysis, EndpointResolver, Analysis } from '../shared/engine/types.ts';
import type { RiskEventRow } from '../shared/emit/rows.ts';
import { createMasker } from '../shared/sensitive/maskPath.ts';
import { stripStage } from '../shared/normalize/normalizeRecord.ts';
import { createScoringAnalysis } from '../shared/score/index.ts';
import { scoreDetection, sentAlertsInMemory, toFlags } from '../eval/detect/score.ts';
import type { Label } from '../eval/detect/gen.ts';

const dir = evalDir();
const sample = join(dir, 'dev-sample');
const out = process.env.APISCOPE_EVAL_OUT ?? mkdtempSync(join(tmpdir(), 'apiscope-eval-'));
mkdirSync(out, { recursive: true });

async function gunzipTo(src: string, dst: string): Promise<void> {
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(src).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const l of rl) lines.push(l);
  writeFileSync(dst, lines.join('\n') + '\n');
}

/** Development-only resolver: true templates from truth.ndjson (paths masked like the events). */
function truthDiscovery(truthFile: string): DiscoveryAnalysis<null> {
  const masker = createMasker('apiscope-local');
  const map = new Map<string, string | null>();
  for (const l of readFileSync(truthFile, 'utf8').split('\n')) {
    if (!l) continue;
    const t = JSON.parse(l) as { domainName: string; stage: string; method: string; path: string; template: string | null };
    const p = masker.maskPath(stripStage(t.path, t.domainName, t.stage));
    const tpl = t.template === null ? null : stripStage(t.template, t.domainName, t.stage);
    map.set(`${t.domainName} ${t.method} ${p}`, tpl);
  }
  const resolver: EndpointResolver = {
    templateOf: (d, m, p) => map.get(`${d} ${m} ${p}`) ?? null,
    endpointInfo: () => undefined,
  };
  return { name: 'discovery', initialState: () => null, closeWindow: () => ({}), resolver: () => resolver };
}

/** Wall time and CPU time (user + system, less sensitive to a busy machine) spent in one analysis. */
function timed<S>(a: Analysis<S>, acc: { ms: number; cpuMs: number }): Analysis<S> {
  return {
    ...a,
    closeWindow(ev, st, ctx) {
      const t = performance.now(), c = process.cpuUsage();
      const r = a.closeWindow(ev, st, ctx);
      const d = process.cpuUsage(c);
      acc.ms += performance.now() - t; acc.cpuMs += (d.user + d.system) / 1000;
      return r;
    },
  };
}

/**
 * A principal id that is an email or a phone number is stored as its keyed token (no raw PII at rest); the
 * labels name it raw. Tokens of the labelled principals, made with the key loadEvents masks with, map back.
 */
function labelledPrincipals(labelsFile: string): Map<string, string> {
  const masker = createMasker('apiscope-local');
  const byToken = new Map<string, string>();
  for (const l of readFileSync(labelsFile, 'utf8').split('\n')) {
    if (!l) continue;
    for (const p of (JSON.parse(l) as { actors?: { principals?: string[] } }).actors?.principals ?? []) byToken.set(masker.maskId(p), p);
  }
  return byToken;
}

async function main(): Promise<void> {
  const truth = join(out, 'truth.ndjson');
  if (!existsSync(truth)) await gunzipTo(join(sample, 'truth.ndjson.gz'), truth);
  writeFileSync(join(out, 'labels.ndjson'), readFileSync(join(sample, 'labels.ndjson')));

  let t0 = performance.now();
  const { events, rejected } = await loadEvents(join(sample, 'access.ndjson.gz'));
  const loadMs = performance.now() - t0;

  let discovery: DiscoveryAnalysis<any>;
  let resolverKind = 'truth (development fallback)';
  const discPath = new URL('../shared/discover/index.ts', import.meta.url).pathname;
  if (process.env.APISCOPE_EVAL_RESOLVER !== 'truth' && existsSync(discPath)) {
    const mod = (await import(discPath)) as { createDiscoveryAnalysis?: () => DiscoveryAnalysis<any> };
    if (mod.createDiscoveryAnalysis) { discovery = mod.createDiscoveryAnalysis(); resolverKind = 'discovery'; } else discovery = truthDiscovery(truth);
  } else discovery = truthDiscovery(truth);

  const scoringTime = { ms: 0, cpuMs: 0 };
  const scoring = createScoringAnalysis({ detectors: process.env.APISCOPE_EVAL_DETECTORS ? JSON.parse(process.env.APISCOPE_EVAL_DETECTORS) : undefined });
  t0 = performance.now();
  const { outputs, states } = runInMemory(events, discovery, [timed(scoring, scoringTime)]);
  const totalMs = performance.now() - t0;
  const rows = outputs.scoring.flatMap((o) => o.riskEvents ?? []);
  const alerts = outputs.scoring.flatMap((o) => o.alerts ?? []);
  const actors = outputs.scoring.flatMap((o) => o.actors ?? []);
  // Principals stored as their tokens are scored under the labelled (raw) ids they stand for.
  const principals = labelledPrincipals(join(out, 'labels.ndjson'));
  const flags = toFlags(rows).map((f) => (f.principalId !== undefined ? { ...f, principalId: principals.get(f.principalId) ?? f.principalId } : f));
  const flagsFile = join(out, 'flags.ndjson');
  writeFileSync(flagsFile, flags.map((f) => JSON.stringify(f)).join('\n') + '\n');
  writeFileSync(join(out, 'risk_events.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(out, 'scoring-state.json'), JSON.stringify(states.scoring));
  writeFileSync(join(out, 'alerts.ndjson'), alerts.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const stateBytes = Buffer.byteLength(JSON.stringify(states.scoring));

  console.log(`events ${events.length} (rejected ${rejected}), load ${(loadMs / 1000).toFixed(1)} s, resolver: ${resolverKind}`);
  console.log(`run (discovery + scoring) ${(totalMs / 1000).toFixed(1)} s; scoring alone ${(scoringTime.ms / 1000).toFixed(2)} s wall = ${Math.round(events.length / (scoringTime.ms / 1000)).toLocaleString()} events/s, ${(scoringTime.cpuMs / 1000).toFixed(2)} s CPU = ${Math.round(events.length / (scoringTime.cpuMs / 1000)).toLocaleString()} events/s per core (includes the resolver's templateOf calls)`);
  console.log(`risk events ${rows.length}, flags (actor incidents) ${flags.length}, alerts ${alerts.length}, actor rows ${actors.length}, scoring state ${(stateBytes / 1024).toFixed(0)} KiB (${Object.keys((states.scoring as any).profiles).length} profiles)`);
  console.log(`output in ${out}`);
  const res = execFileSync(process.execPath, [join(dir, 'score.mjs'), '--run', out, '--flags', flagsFile, '--json', join(out, 'score.json')], { encoding: 'utf8' });
  process.stdout.write(res);
  // Which attack instances an on-call person hears of: alerts at the default threshold, campaigns folded as the engine does.
  const labels = readFileSync(join(out, 'labels.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Label).filter((l) => l.kind === 'attack' || l.kind === 'benign');
  const cover = scoreDetection(labels, flags, sentAlertsInMemory(alerts, 'high'));
  console.log(`alerted at the default threshold (high): ${cover.attackLabelsAlerted}/${cover.attackLabels} attack instances`);
  for (const [k, x] of Object.entries(cover.perScenario)) console.log(`  ${k.padEnd(24)} alerted ${x.alerted}/${x.labels}${x.notAlerted.length ? ' (not: ' + x.notAlerted.join(' ') + ')' : ''}`);
}

await main();
