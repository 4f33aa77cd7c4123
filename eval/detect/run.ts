/**
 * The broad detection corpus in one command: generate N seeded runs, replay each through `apiscope replay`
 * (the real handlers: discovery, defect checks, scoring, the window engine and its alert delivery), and score
 * the risk events and the alerts sent.
 *
 *   node --import tsx eval/detect/run.ts [--seeds 1-5] [--out DIR] [--hours 12] [--users N] [--apiscope CHECKOUT]
 *
 * `--apiscope CHECKOUT` replays with another checkout's CLI (`node CHECKOUT/bin/apiscope.mjs replay`), to
 * score another build (main, a branch before a change) on the same corpus.
 *
 * Writes per seed `DIR/seed-N/{access.ndjson,labels.ndjson,flags.ndjson,score.json,lake/}` and prints
 * per-scenario instance recall, actor recall, alerts, precision and benign false positives, per seed and
 * over all seeds. When /work/shared/eval/score.mjs (or $APISCOPE_EVAL_DIR/score.mjs) is present, its
 * verdict on each seed is printed as a cross-check of this scorer.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { runReplay } from '../../cli/replay.ts';
import type { RiskEventRow } from '../../shared/emit/rows.ts';
import { writeRun } from './corpus.ts';
import { formatScore, mergeScores, scoreDetection, sentAlertsFromJsonl, toFlags, type DetectionScore } from './score.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function seedsOf(spec: string): number[] {
  return spec.split(',').flatMap((p) => { const [a, b] = p.split('-').map(Number); return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i); });
}

function readTable<T>(lake: string, table: string): T[] {
  const root = join(lake, table);
  if (!existsSync(root)) return [];
  const rows: T[] = [];
  for (const part of readdirSync(root)) for (const f of readdirSync(join(root, part))) {
    for (const l of gunzipSync(readFileSync(join(root, part, f))).toString('utf8').split('\n')) if (l) rows.push(JSON.parse(l) as T);
  }
  return rows;
}

function crossCheck(dir: string, flagsFile: string): string | null {
  const evalDir = process.env.APISCOPE_EVAL_DIR ?? '/work/shared/eval';
  const scorer = join(evalDir, 'score.mjs');
  if (!existsSync(scorer)) return null;
  const json = join(dir, 'score.mjs.json');
  execFileSync(process.execPath, [scorer, '--run', dir, '--flags', flagsFile, '--json', json], { encoding: 'utf8' });
  const d = (JSON.parse(readFileSync(json, 'utf8')) as { detection: { precision: number; attackLabelsDetected: number; attackLabels: number; benignFalsePositives: { actorsFlagged: number } } }).detection;
  return `score.mjs: precision ${d.precision}, attack labels detected ${d.attackLabelsDetected}/${d.attackLabels}, benign false-positive actors ${d.benignFalsePositives.actorsFlagged}`;
}

async function main(): Promise<void> {
  const seeds = seedsOf(arg('seeds', '1-5'));
  const out = resolve(arg('out', '/tmp/apiscope-detect'));
  const hours = Number(arg('hours', '12'));
  const users = process.argv.includes('--users') ? Number(arg('users', '0')) : undefined;
  const scores: DetectionScore[] = [];
  for (const seed of seeds) {
    const dir = join(out, `seed-${seed}`);
    rmSync(dir, { recursive: true, force: true });
    const t0 = Date.now();
    const { events, labels } = writeRun(dir, { seed, hours, users });
    const lake = join(dir, 'lake');
    const other = process.argv.includes('--apiscope') ? resolve(arg('apiscope', '.')) : null;
    if (other) execFileSync(process.execPath, [join(other, 'bin/apiscope.mjs'), 'replay', '--input', join(dir, 'access.ndjson'), '--out', lake], { cwd: other, env: { ...process.env, APISCOPE_HASH_KEY: 'corpus-eval-key' }, stdio: ['ignore', 'ignore', 'inherit'] });
    else await runReplay({ input: join(dir, 'access.ndjson'), out: lake, shards: 1, quiet: true, hashKey: 'corpus-eval-key' });
    const rows = readTable<RiskEventRow>(lake, 'risk_events');
    const flags = toFlags(rows);
    const flagsFile = join(dir, 'flags.ndjson');
    writeFileSync(flagsFile, flags.map((f) => JSON.stringify(f)).join('\n') + '\n');
    const alertsFile = join(lake, 'alerts.jsonl');
    const alerts = existsSync(alertsFile) ? sentAlertsFromJsonl(readFileSync(alertsFile, 'utf8')) : [];
    const s = scoreDetection(labels, flags, alerts);
    writeFileSync(join(dir, 'score.json'), JSON.stringify(s, null, 1));
    scores.push(s);
    console.log(`\n## seed ${seed}: ${events} events, ${labels.length} labels, ${rows.length} risk events, ${alerts.length} alerts sent (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    console.log(formatScore(s));
    const cc = crossCheck(dir, flagsFile);
    if (cc) console.log(cc);
  }
  console.log(`\n## all seeds (${seeds.join(', ')})`);
  console.log(formatScore(mergeScores(scores)));
}

await main();
