/**
 * Template-recovery scoring with the definitions of the evaluation set's `score.mjs`: a predicted cluster
 * (same domain, method, template) is correct iff it holds exactly the concrete paths of one true template;
 * placeholder names do not matter; a truth path without a prediction is its own singleton cluster.
 * Rounding follows score.mjs too (precision and recall to 4 places, F1 from the rounded values).
 */

export interface TruthPath {
  api: string;
  domainName: string;
  method: string;
  path: string;
  /** null for a scanner probe that matches no route (excluded from scoring). */
  template: string | null;
  proxied?: boolean;
  count?: number;
}

export interface Prediction {
  domainName: string;
  method: string;
  path: string;
  template: string;
}

export interface Summary {
  trueTemplates: number;
  predictedClusters: number;
  correctClusters: number;
  precision: number;
  recall: number;
  f1: number;
  overMerging: { clusters: number; templatesInvolved: number; pathsInMixedClusters: number };
  underMerging: { templates: number; extraFragments: number };
  lineWeightedRecall: number;
  /** Counts behind the ratios (not in score.mjs's output), so summaries of APIs scored apart can be added up. */
  counts: { recovered: number; lines: number; recoveredLines: number };
}

export interface Cluster {
  id: string;
  /** The predicted template (the path itself, NUL-prefixed, for a path without prediction). */
  template: string;
  keys: Set<string>;
  tids: Set<string>;
  apis: Set<string>;
  lines: number;
  correct: boolean;
}

export interface TrueTemplate {
  id: string;
  template: string;
  method: string;
  keys: Set<string>;
  cids: Set<string>;
  api: string;
  proxied: boolean;
  params: number;
  lines: number;
  recovered: boolean;
}

export interface TemplateScore {
  truthPaths: number;
  noisePathsExcluded: number;
  predictionsMatched: number;
  truthPathsWithoutPrediction: number;
  predictionsUnresolved: number;
  predictionsAmbiguous: number;
  predictionsOnNoisePaths: number;
  overall: Summary;
  multiPathTemplates: Summary;
  parameterisedTemplates: Summary;
  proxiedApis: Summary;
  nonProxiedApis: Summary;
  macroF1: number;
  macroF1MultiPath: number;
  perApi: Record<string, Summary & { proxied: boolean }>;
}

export const f3 = (x: number): number | null => (Number.isFinite(x) ? Number(x.toFixed(4)) : null);
const r4 = (x: number) => f3(x) as number;

function summarize(trues: Iterable<TrueTemplate>, clusters: Iterable<Cluster>): Summary {
  const T = [...trues], C = [...clusters];
  const correct = C.filter((c) => c.correct).length;
  const rec = T.filter((t) => t.recovered).length;
  const overC = C.filter((c) => c.tids.size > 1);
  const overT = new Set<string>();
  for (const c of overC) for (const t of c.tids) overT.add(t);
  const underT = T.filter((t) => t.cids.size > 1);
  const lines = T.reduce((s, t) => s + t.lines, 0), okLines = T.filter((t) => t.recovered).reduce((s, t) => s + t.lines, 0);
  const precision = r4(C.length ? correct / C.length : 0);
  const recall = r4(T.length ? rec / T.length : 0);
  const f1 = r4(precision + recall ? (2 * precision * recall) / (precision + recall) : 0);
  return {
    trueTemplates: T.length, predictedClusters: C.length, correctClusters: correct, precision, recall, f1,
    overMerging: { clusters: overC.length, templatesInvolved: overT.size, pathsInMixedClusters: overC.reduce((s, c) => s + c.keys.size, 0) },
    underMerging: { templates: underT.length, extraFragments: underT.reduce((s, t) => s + t.cids.size - 1, 0) },
    lineWeightedRecall: r4(lines ? okLines / lines : 0),
    counts: { recovered: rec, lines, recoveredLines: okLines },
  };
}

/**
 * The summary of several disjoint sets of templates and clusters (APIs scored one at a time), the same as
 * scoring them together would give when no cluster spans two of them.
 */
export function addSummaries(xs: readonly Summary[]): Summary {
  const sum = (f: (s: Summary) => number) => xs.reduce((a, s) => a + f(s), 0);
  const T = sum((s) => s.trueTemplates), C = sum((s) => s.predictedClusters), correct = sum((s) => s.correctClusters);
  const rec = sum((s) => s.counts.recovered), lines = sum((s) => s.counts.lines), okLines = sum((s) => s.counts.recoveredLines);
  const precision = r4(C ? correct / C : 0), recall = r4(T ? rec / T : 0);
  return {
    trueTemplates: T, predictedClusters: C, correctClusters: correct, precision, recall,
    f1: r4(precision + recall ? (2 * precision * recall) / (precision + recall) : 0),
    overMerging: { clusters: sum((s) => s.overMerging.clusters), templatesInvolved: sum((s) => s.overMerging.templatesInvolved), pathsInMixedClusters: sum((s) => s.overMerging.pathsInMixedClusters) },
    underMerging: { templates: sum((s) => s.underMerging.templates), extraFragments: sum((s) => s.underMerging.extraFragments) },
    lineWeightedRecall: r4(lines ? okLines / lines : 0),
    counts: { recovered: rec, lines, recoveredLines: okLines },
  };
}

export interface Scored {
  score: TemplateScore;
  clusters: Map<string, Cluster>;
  trues: Map<string, TrueTemplate>;
}

const keyOf = (d: string, m: string, p: string) => `${d}\t${m}\t${p}`;

/**
 * Scores predictions against truth. Predictions must name their domain (as `apiscope discover` writes them).
 *
 * @example
 * scoreTemplates(truth, [{ domainName: 'a', method: 'GET', path: '/u/1', template: '/u/{id}' }]).score.overall.f1
 */
export function scoreTemplates(truth: readonly TruthPath[], predictions: readonly Prediction[]): Scored {
  const byKey = new Map<string, TruthPath>();
  const noiseKeys = new Set<string>();
  for (const t of truth) {
    if (!t.template) noiseKeys.add(keyOf(t.domainName, t.method, t.path));
    else byKey.set(keyOf(t.domainName, t.method, t.path), t);
  }
  const pred = new Map<string, string>();
  let unresolved = 0, predNoise = 0;
  for (const p of predictions) {
    const k = keyOf(p.domainName, (p.method || '').toUpperCase(), p.path);
    if (!byKey.has(k)) { if (noiseKeys.has(k)) predNoise++; else unresolved++; continue; }
    pred.set(k, p.template);
  }
  const clusters = new Map<string, Cluster>();
  const trues = new Map<string, TrueTemplate>();
  let missing = 0;
  for (const [k, t] of byKey) {
    let tpl = pred.get(k);
    if (tpl === undefined) { missing++; tpl = '\u0000' + t.path; }
    const cid = `${t.domainName}\t${t.method}\t${tpl}`;
    const tid = `${t.domainName}\t${t.method}\t${t.template}`;
    let c = clusters.get(cid);
    if (!c) clusters.set(cid, (c = { id: cid, template: tpl, keys: new Set(), tids: new Set(), apis: new Set(), lines: 0, correct: false }));
    c.keys.add(k); c.tids.add(tid); c.apis.add(t.api); c.lines += t.count || 1;
    let tr = trues.get(tid);
    if (!tr) trues.set(tid, (tr = { id: tid, template: t.template!, method: t.method, keys: new Set(), cids: new Set(), api: t.api, proxied: !!t.proxied, params: (t.template!.match(/\{/g) || []).length, lines: 0, recovered: false }));
    tr.keys.add(k); tr.cids.add(cid); tr.lines += t.count || 1;
  }
  for (const c of clusters.values()) if (c.tids.size === 1) c.correct = trues.get([...c.tids][0])!.keys.size === c.keys.size;
  for (const tr of trues.values()) tr.recovered = tr.cids.size === 1 && clusters.get([...tr.cids][0])!.correct;

  const T = [...trues.values()], C = [...clusters.values()];
  const anyT = (c: Cluster, f: (t: TrueTemplate) => boolean) => [...c.tids].some((id) => f(trues.get(id)!));
  const perApi: TemplateScore['perApi'] = {};
  const apis = [...new Set(T.map((t) => t.api))].sort();
  for (const api of apis) {
    perApi[api] = { ...summarize(T.filter((t) => t.api === api), C.filter((c) => c.apis.has(api))), proxied: T.find((t) => t.api === api)!.proxied };
  }
  const apiScores = Object.values(perApi);
  const multi = apis.map((a) => summarize(T.filter((t) => t.api === a && t.keys.size >= 2), C.filter((c) => c.apis.has(a) && c.keys.size >= 2))).filter((x) => x.trueTemplates);
  const score: TemplateScore = {
    truthPaths: byKey.size, noisePathsExcluded: truth.length - byKey.size, predictionsMatched: pred.size, truthPathsWithoutPrediction: missing,
    predictionsUnresolved: unresolved, predictionsAmbiguous: 0, predictionsOnNoisePaths: predNoise,
    overall: summarize(T, C),
    multiPathTemplates: summarize(T.filter((t) => t.keys.size >= 2), C.filter((c) => c.keys.size >= 2)),
    parameterisedTemplates: summarize(T.filter((t) => t.params > 0), C.filter((c) => anyT(c, (t) => t.params > 0))),
    proxiedApis: summarize(T.filter((t) => t.proxied), C.filter((c) => anyT(c, (t) => t.proxied))),
    nonProxiedApis: summarize(T.filter((t) => !t.proxied), C.filter((c) => !anyT(c, (t) => t.proxied))),
    macroF1: r4(apiScores.reduce((s, a) => s + a.f1, 0) / (apiScores.length || 1)),
    macroF1MultiPath: r4(multi.reduce((s, x) => s + x.f1, 0) / (multi.length || 1)),
    perApi,
  };
  return { score, clusters, trues };
}
