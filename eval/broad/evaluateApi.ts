/**
 * One API end to end: synthesize its traffic, run discovery (each requested path), score, explain the
 * failures. The result is plain JSON so a worker process can send it back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseFailures, type Failure } from './failures.ts';
import type { SampledApi } from './loadSpecs.ts';
import { Rng } from './rng.ts';
import { predict, writeInput, type DiscoveryPath } from './runDiscovery.ts';
import { scoreTemplates, type Prediction, type Summary } from './score.ts';
import { synthesizeApi, type SynthApi } from './synthesize.ts';

export interface PathResult {
  summary: Summary;
  /** Same figures over the proxied templates only (routes behind `/{proxy+}`); null when it has none. */
  proxied: Summary | null;
  /** Over the templates with a gateway route (`resourcePath` given); null when it has none. */
  routed: Summary | null;
  clusterRatio: number;
  /** Failing true templates by cause label (all of them, not only the examples). */
  causes: Record<string, number>;
  /** The largest failures, for the write-up. */
  examples: Failure[];
  seconds: number;
}

export interface InvarianceResult {
  /** Same paths, arrival order shuffled within a minute (inside the engine's allowed lateness): templates that differ. */
  shuffled: { path: DiscoveryPath; differingPaths: number; examples: string[] };
  /** Twice the requests: true templates seen at both volumes whose predicted templates differ. */
  doubled: { f1: number; f1Double: number; templatesCompared: number; differing: number; examples: string[] };
}

export interface ApiResult {
  api: string;
  routes: number;
  cut: number;
  sameRoute: number;
  indistinguishable: number;
  collisions: number;
  events: number;
  distinctPaths: number;
  noisePaths: number;
  proxied: boolean;
  executeApi: boolean;
  domainName: string;
  /** Value styles of the API's parameters with how many true templates use each. */
  styles: Record<string, number>;
  byPath: Partial<Record<DiscoveryPath, PathResult>>;
  invariance?: InvarianceResult;
}

export interface EvalOptions {
  seed: number;
  paths: readonly DiscoveryPath[];
  invariance: boolean;
  examples: number;
}

/** `/a/{x}/b` and `/a/{y}/b` are the same template: compare templates with names erased. */
const bare = (t: string) => t.replace(/\{[^{}]*\}/g, '{}');

async function runPath(syn: SynthApi, path: DiscoveryPath, dir: string, records: readonly string[]): Promise<Prediction[]> {
  const input = writeInput(dir, records);
  return predict(path, input, dir, records);
}

function scorePath(syn: SynthApi, preds: Prediction[], seconds: number, examples: number): PathResult {
  const scored = scoreTemplates(syn.truth, preds);
  const s = scored.score;
  const failures = analyseFailures(scored, syn.styles, syn.executeApi ? `/${syn.stage}` : '');
  const causes: Record<string, number> = {};
  for (const f of failures) for (const c of f.causes) causes[c] = (causes[c] ?? 0) + 1;
  return {
    summary: s.overall,
    proxied: s.proxiedApis.trueTemplates ? s.proxiedApis : null,
    routed: s.nonProxiedApis.trueTemplates ? s.nonProxiedApis : null,
    clusterRatio: s.overall.trueTemplates ? s.overall.predictedClusters / s.overall.trueTemplates : 0,
    causes,
    examples: failures.slice(0, examples),
    seconds,
  };
}

/** Predicted template (names erased) per (method, path). */
function templateMap(preds: readonly Prediction[]): Map<string, string> {
  return new Map(preds.map((p) => [`${p.method} ${p.path}`, bare(p.template)]));
}

/** Per true template, the set of predicted templates (names erased) its paths got. */
function perTrueTemplate(syn: SynthApi, preds: readonly Prediction[]): Map<string, string> {
  const m = templateMap(preds);
  const out = new Map<string, Set<string>>();
  for (const t of syn.truth) {
    if (!t.template) continue;
    const k = `${t.method} ${t.template}`;
    const s = out.get(k) ?? new Set<string>();
    s.add(m.get(`${t.method} ${t.path}`) ?? '?');
    out.set(k, s);
  }
  return new Map([...out].map(([k, s]) => [k, [...s].sort().join(' | ')]));
}

/** A difference line short enough to read: long template sets are cut. */
function clip(s: string): string {
  return s.length > 240 ? `${s.slice(0, 240)}... (${s.length} chars)` : s;
}

export async function evaluateApi(a: SampledApi, opts: EvalOptions): Promise<ApiResult> {
  const syn = synthesizeApi(a.routes, { seed: opts.seed });
  const dir = mkdtempSync(join(tmpdir(), 'apiscope-broad-'));
  try {
    const styles: Record<string, number> = {};
    for (const st of syn.styles.values()) for (const s of new Set(st)) styles[s] = (styles[s] ?? 0) + 1;
    const res: ApiResult = {
      api: a.routes.id, routes: syn.routes, cut: a.cut, sameRoute: a.sameRoute, indistinguishable: syn.indistinguishable.length,
      collisions: syn.collisions, events: syn.records.length, distinctPaths: syn.truth.filter((t) => t.template).length,
      noisePaths: syn.truth.filter((t) => !t.template).length, proxied: syn.proxied, executeApi: syn.executeApi, domainName: syn.domainName,
      styles, byPath: {},
    };
    const preds: Partial<Record<DiscoveryPath, Prediction[]>> = {};
    for (const p of opts.paths) {
      const t0 = performance.now();
      preds[p] = await runPath(syn, p, dir, syn.records);
      res.byPath[p] = scorePath(syn, preds[p]!, (performance.now() - t0) / 1000, opts.examples);
    }
    if (opts.invariance) res.invariance = await invariance(a, syn, preds, opts, dir);
    return res;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function invariance(a: SampledApi, syn: SynthApi, preds: Partial<Record<DiscoveryPath, Prediction[]>>, opts: EvalOptions, dir: string): Promise<InvarianceResult> {
  const base = preds[opts.paths[0]]!;
  // Arrival order: each line moved by up to 60 s of event time, less than the engine's 2 min lateness, so
  // no event is late and the windows hold the same events; only the order inside and across batches moves.
  const r = new Rng(`shuffle:${opts.seed}:${a.routes.id}`);
  const keyed = syn.records.map((line, i) => ({ line, k: i, at: Number(/"requestTimeEpoch":"(\d+)"/.exec(line)![1]) + r.int(0, 60_000) }));
  keyed.sort((x, y) => x.at - y.at || x.k - y.k);
  // `discover` sorts a file's events before windowing, so arrival order can only matter on the replay path.
  const shuffledPath: DiscoveryPath = 'replay';
  const ref = preds.replay ?? (await runPath(syn, 'replay', dir, syn.records));
  const shuf = await runPath(syn, shuffledPath, dir, keyed.map((x) => x.line));
  const m0 = templateMap(ref), m1 = templateMap(shuf);
  const diffs: string[] = [];
  for (const [k, v] of m0) if (m1.get(k) !== v) diffs.push(`${k}: ${v} -> ${m1.get(k) ?? '(none)'}`);

  const big = synthesizeApi(a.routes, { seed: opts.seed, volume: 2 });
  const bigPreds = await runPath(big, opts.paths[0], dir, big.records);
  const t0 = perTrueTemplate(syn, base), t1 = perTrueTemplate(big, bigPreds);
  const vdiff: string[] = [];
  let compared = 0;
  for (const [k, v] of t0) {
    const w = t1.get(k);
    if (w === undefined) continue;
    compared++;
    if (w !== v) vdiff.push(`${k}: ${v} -> ${w}`);
  }
  return {
    shuffled: { path: shuffledPath, differingPaths: diffs.length, examples: diffs.slice(0, 5).map(clip) },
    doubled: {
      f1: scoreTemplates(syn.truth, base).score.overall.f1, f1Double: scoreTemplates(big.truth, bigPreds).score.overall.f1,
      templatesCompared: compared, differing: vdiff.length, examples: vdiff.slice(0, 5).map(clip),
    },
  };
}
