/**
 * The broad discovery evaluation (see README.md beside this file):
 *   npm run -s eval:broad -- [--apis 500] [--seed 1] [--path discover|replay|both] [--workers N]
 *                            [--json out.json] [--per-api] [--only id,id] [--invariance] [--examples 3]
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateApi, type ApiResult, type EvalOptions } from './evaluateApi.ts';
import { sampleApis, type SampledApi } from './loadSpecs.ts';
import { distribution, distributionText, invarianceText, perApiText, sampleText, worstDecileText } from './report.ts';
import { DISCOVERY_PATHS, type DiscoveryPath } from './runDiscovery.ts';

interface Args {
  apis: number;
  seed: number;
  paths: DiscoveryPath[];
  workers: number;
  json?: string;
  perApi: boolean;
  only?: string[];
  invariance: boolean;
  examples: number;
}

const USAGE = 'usage: npm run -s eval:broad -- [--apis 500] [--seed 1] [--path discover|replay|both] [--workers N] [--json FILE] [--per-api] [--only ID[,ID...]] [--invariance] [--examples N]';

export function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { apis: 500, seed: 1, paths: ['discover'], workers: 1, perApi: false, invariance: false, examples: 3 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined || x.startsWith('--')) throw new Error(`${k} needs a value`);
      return x;
    };
    const int = (lo: number) => {
      const x = v();
      const n = Number(x);
      if (!Number.isInteger(n) || n < lo) throw new Error(`${k} must be an integer >= ${lo}, got ${x}`);
      return n;
    };
    try {
      if (k === '--apis') a.apis = int(1);
      else if (k === '--seed') a.seed = int(0);
      else if (k === '--workers') a.workers = int(1);
      else if (k === '--examples') a.examples = int(0);
      else if (k === '--json') a.json = v();
      else if (k === '--per-api') a.perApi = true;
      else if (k === '--invariance') a.invariance = true;
      else if (k === '--only') a.only = v().split(',').filter(Boolean);
      else if (k === '--path') {
        const p = v();
        if (p === 'both') a.paths = [...DISCOVERY_PATHS];
        else if ((DISCOVERY_PATHS as readonly string[]).includes(p)) a.paths = [p as DiscoveryPath];
        else return `--path must be discover, replay or both, got ${p}`;
      } else if (k === '-h' || k === '--help') return '';
      else return `unknown option ${k}`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (a.only) a.apis = a.only.length;
  return a;
}

/** Evaluates APIs in `workers` child processes (each one API at a time), results in sample order. */
async function evaluateAll(apis: readonly SampledApi[], opts: EvalOptions, workers: number, progress: (done: number) => void): Promise<ApiResult[]> {
  const results: ApiResult[] = new Array(apis.length);
  let next = 0, done = 0;
  if (workers <= 1) {
    for (const a of apis) { results[next++] = await evaluateApi(a, opts); progress(++done); }
    return results;
  }
  const self = fileURLToPath(import.meta.url);
  await Promise.all(Array.from({ length: Math.min(workers, apis.length) }, () => new Promise<void>((resolve, reject) => {
    const child = fork(self, ['--worker'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let current = -1, stopped = false;
    const give = () => {
      if (next >= apis.length) { stopped = true; child.send({ stop: true }); return; }
      current = next++;
      child.send({ i: current, api: apis[current], opts });
    };
    child.on('message', (m: { i: number; result?: ApiResult; error?: string }) => {
      if (m.error) { stopped = true; child.kill(); reject(new Error(`${apis[m.i].routes.id}: ${m.error}`)); return; }
      results[m.i] = m.result!;
      progress(++done);
      give();
    });
    child.on('exit', (code) => (stopped ? resolve() : reject(new Error(`worker exited with ${code} while on ${apis[current]?.routes.id}`))));
    give();
  })));
  return results;
}

async function worker(): Promise<void> {
  process.on('message', async (m: { stop?: boolean; i: number; api: SampledApi; opts: EvalOptions }) => {
    if (m.stop) { process.disconnect(); return; }
    try {
      process.send!({ i: m.i, result: await evaluateApi(m.api, m.opts) });
    } catch (e) {
      process.send!({ i: m.i, error: (e as Error).stack ?? String(e) });
    }
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--worker') { await worker(); return -1; }
  const a = parseArgs(argv);
  if (typeof a === 'string') {
    if (a) console.error(`eval:broad: ${a}`);
    console.error(USAGE);
    return a ? 2 : 0;
  }
  const t0 = performance.now();
  const sample = sampleApis({ apis: a.apis, seed: a.seed, only: a.only });
  if (sample.apis.length < a.apis) console.error(`eval:broad: only ${sample.apis.length} usable APIs (asked for ${a.apis})`);
  const opts: EvalOptions = { seed: a.seed, paths: a.paths, invariance: a.invariance, examples: a.examples };
  const results = await evaluateAll(sample.apis, opts, a.workers, (n) => { if (process.stderr.isTTY) process.stderr.write(`  ${n}/${sample.apis.length} APIs\r`); });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`broad evaluation, seed ${a.seed}: ${seconds.toFixed(0)} s`);
  console.log(sampleText(sample, results));
  const dists: Record<string, ReturnType<typeof distribution>> = {};
  for (const p of a.paths) {
    const d = (dists[p] = distribution(results, p));
    console.log('');
    console.log(distributionText(d, p));
    console.log(`discovery time via ${p}: ${results.reduce((s, r) => s + r.byPath[p]!.seconds, 0).toFixed(0)} s`);
    console.log('');
    console.log(worstDecileText(results, d, p));
    if (a.perApi) { console.log(''); console.log(perApiText(results, p)); }
  }
  if (a.paths.length > 1) {
    const differ = results.filter((r) => r.byPath.discover!.summary.f1 !== r.byPath.replay!.summary.f1 || r.byPath.discover!.summary.predictedClusters !== r.byPath.replay!.summary.predictedClusters);
    console.log('');
    console.log(`discover vs replay: ${differ.length} APIs differ${differ.length ? ': ' + differ.slice(0, 20).map((r) => `${r.api} (${r.byPath.discover!.summary.f1} vs ${r.byPath.replay!.summary.f1})`).join(', ') : ''}`);
  }
  const inv = invarianceText(results);
  if (inv) { console.log(''); console.log(inv); }
  if (a.json) writeFileSync(a.json, JSON.stringify({ args: a, seconds, sample: { considered: sample.considered, skipped: sample.skipped, droppedOps: sample.droppedOps }, distributions: dists, apis: results }, null, 1));
  return 0;
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
