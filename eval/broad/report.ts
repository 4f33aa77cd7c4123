/** The distribution over APIs, the worst decile and the failure causes, as numbers and as text. */
import type { ApiResult } from './evaluateApi.ts';
import type { DiscoveryPath } from './runDiscovery.ts';
import { addSummaries, type Summary } from './score.ts';
import type { Sample } from './loadSpecs.ts';

/** Nearest-rank percentile of ascending `xs` (p in [0, 1]); the 5th percentile of 500 values is the 25th lowest. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))];
}

export interface Distribution {
  apis: number;
  overall: Summary;
  proxied: Summary;
  nonProxied: Summary;
  perApiF1: { median: number; p5: number; p10: number; worst: number; worstApi: string; below085: number; perfect: number; histogram: Record<string, number> };
  perApiF1Proxied: { apis: number; median: number; p10: number; worst: number };
  perApiF1NonProxied: { apis: number; median: number; p10: number; worst: number };
  clusterRatio: { median: number; p95: number; max: number; maxApi: string; above15: number };
  overMerges: { clusters: number; apisWithAny: number };
  /** Failing true templates per cause over all APIs, and the true templates using each value style. */
  causes: Record<string, number>;
  styleUse: Record<string, number>;
  worstDecile: string[];
}

const BUCKETS: Array<[string, number]> = [['1.0', 1], ['0.95-1', 0.95], ['0.90-0.95', 0.9], ['0.85-0.90', 0.85], ['0.50-0.85', 0.5], ['<0.50', -1]];

export function distribution(results: readonly ApiResult[], path: DiscoveryPath): Distribution {
  const rs = results.filter((r) => r.byPath[path]);
  const pr = (r: ApiResult) => r.byPath[path]!;
  const f1s = rs.map((r) => pr(r).summary.f1).sort((a, b) => a - b);
  const byF1 = [...rs].sort((a, b) => pr(a).summary.f1 - pr(b).summary.f1 || pr(b).clusterRatio - pr(a).clusterRatio || (a.api < b.api ? -1 : 1));
  const ratios = rs.map((r) => pr(r).clusterRatio).sort((a, b) => a - b);
  const byRatio = [...rs].sort((a, b) => pr(b).clusterRatio - pr(a).clusterRatio);
  const histogram: Record<string, number> = {};
  for (const [name] of BUCKETS) histogram[name] = 0;
  for (const f of f1s) {
    const b = f >= 1 ? BUCKETS[0] : BUCKETS.slice(1).find(([, lo]) => f >= lo)!;
    histogram[b[0]]++;
  }
  const sub = (xs: ApiResult[]) => {
    const v = xs.map((r) => pr(r).summary.f1).sort((a, b) => a - b);
    return { apis: v.length, median: percentile(v, 0.5), p10: percentile(v, 0.1), worst: v[0] ?? NaN };
  };
  const causes: Record<string, number> = {};
  const styleUse: Record<string, number> = {};
  for (const r of rs) {
    for (const [c, n] of Object.entries(pr(r).causes)) causes[c] = (causes[c] ?? 0) + n;
    for (const [s, n] of Object.entries(r.styles)) styleUse[s] = (styleUse[s] ?? 0) + n;
  }
  return {
    apis: rs.length,
    overall: addSummaries(rs.map((r) => pr(r).summary)),
    proxied: addSummaries(rs.map((r) => pr(r).proxied).filter((x): x is Summary => x !== null)),
    nonProxied: addSummaries(rs.map((r) => pr(r).routed).filter((x): x is Summary => x !== null)),
    perApiF1: {
      median: percentile(f1s, 0.5), p5: percentile(f1s, 0.05), p10: percentile(f1s, 0.1), worst: f1s[0] ?? NaN, worstApi: byF1[0]?.api ?? '',
      below085: f1s.filter((f) => f < 0.85).length, perfect: f1s.filter((f) => f >= 1).length, histogram,
    },
    perApiF1Proxied: sub(rs.filter((r) => r.proxied)),
    perApiF1NonProxied: sub(rs.filter((r) => !r.proxied)),
    clusterRatio: { median: percentile(ratios, 0.5), p95: percentile(ratios, 0.95), max: ratios[ratios.length - 1] ?? NaN, maxApi: byRatio[0]?.api ?? '', above15: ratios.filter((x) => x > 1.5).length },
    overMerges: { clusters: rs.reduce((s, r) => s + pr(r).summary.overMerging.clusters, 0), apisWithAny: rs.filter((r) => pr(r).summary.overMerging.clusters > 0).length },
    causes,
    styleUse,
    worstDecile: byF1.slice(0, Math.ceil(rs.length / 10)).map((r) => r.api),
  };
}

const n3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
const row = (name: string, s: Summary) =>
  `${name.padEnd(14)} P=${n3(s.precision)} R=${n3(s.recall)} F1=${n3(s.f1)} true=${s.trueTemplates} pred=${s.predictedClusters} over-merged clusters=${s.overMerging.clusters} (templates ${s.overMerging.templatesInvolved}) under-merged templates=${s.underMerging.templates} (+${s.underMerging.extraFragments} fragments) lineRecall=${n3(s.lineWeightedRecall)}`;

/** Text of the sample: how many specs were looked at and why some were not taken. */
export function sampleText(s: Sample, results: readonly ApiResult[]): string {
  const routes = results.map((r) => r.routes).sort((a, b) => a - b);
  const events = results.reduce((x, r) => x + r.events, 0);
  const lines = [
    `sample: ${results.length} APIs from ${s.considered} specs considered; skipped: ${Object.entries(s.skipped).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}`,
    `operations dropped from sampled specs: ${Object.entries(s.droppedOps).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}; same route folded: ${results.reduce((x, r) => x + r.sameRoute, 0)}; indistinguishable routes: ${results.reduce((x, r) => x + r.indistinguishable, 0)}; routes cut from APIs over the cap: ${results.reduce((x, r) => x + r.cut, 0)}`,
    `routes per API: median ${percentile(routes, 0.5)}, p90 ${percentile(routes, 0.9)}, max ${routes[routes.length - 1]}; proxied APIs ${results.filter((r) => r.proxied).length}, execute-api domains ${results.filter((r) => r.executeApi).length}; ${events} requests, ${results.reduce((x, r) => x + r.distinctPaths, 0)} distinct paths, ${results.reduce((x, r) => x + r.noisePaths, 0)} scanner-probe paths`,
  ];
  return lines.join('\n');
}

export function distributionText(d: Distribution, path: DiscoveryPath): string {
  const h = Object.entries(d.perApiF1.histogram).map(([k, v]) => `${k}: ${v}`).join(', ');
  const lines = [
    `== discovery via ${path} over ${d.apis} APIs ==`,
    row('overall', d.overall),
    row('proxied', d.proxied),
    row('routed', d.nonProxied),
    `per-API F1: median ${n3(d.perApiF1.median)}, p5 ${n3(d.perApiF1.p5)}, p10 ${n3(d.perApiF1.p10)}, worst ${n3(d.perApiF1.worst)} (${d.perApiF1.worstApi}); APIs with F1 < 0.85: ${d.perApiF1.below085}; F1 = 1: ${d.perApiF1.perfect}`,
    `per-API F1 histogram: ${h}`,
    `per-API F1, APIs behind /{proxy+} (${d.perApiF1Proxied.apis}): median ${n3(d.perApiF1Proxied.median)}, p10 ${n3(d.perApiF1Proxied.p10)}, worst ${n3(d.perApiF1Proxied.worst)}; APIs with routes (${d.perApiF1NonProxied.apis}; a route with a partly literal segment like {id}.json is still behind /{proxy+}): median ${n3(d.perApiF1NonProxied.median)}, p10 ${n3(d.perApiF1NonProxied.p10)}, worst ${n3(d.perApiF1NonProxied.worst)}`,
    `predicted/true clusters per API: median ${n3(d.clusterRatio.median)}, p95 ${n3(d.clusterRatio.p95)}, max ${n3(d.clusterRatio.max)} (${d.clusterRatio.maxApi}); APIs above 1.5: ${d.clusterRatio.above15}`,
    `over-merges: ${d.overMerges.clusters} clusters in ${d.overMerges.apisWithAny} APIs`,
    `failing true templates by cause: ${Object.entries(d.causes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(', ')}`,
    `true templates per value style: ${Object.entries(d.styleUse).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(', ')}`,
  ];
  return lines.join('\n');
}

export function worstDecileText(results: readonly ApiResult[], d: Distribution, path: DiscoveryPath): string {
  const by = new Map(results.map((r) => [r.api, r]));
  const out = [`-- worst decile (${d.worstDecile.length} APIs) via ${path} --`];
  for (const api of d.worstDecile) {
    const r = by.get(api)!;
    const p = r.byPath[path]!;
    const top = Object.entries(p.causes).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k}=${v}`).join(', ');
    out.push(`${api}: F1=${n3(p.summary.f1)} ${r.proxied ? 'proxied' : 'routes'} ${r.executeApi ? 'execute-api' : r.domainName} true=${p.summary.trueTemplates} pred=${p.summary.predictedClusters} ratio=${n3(p.clusterRatio)} over-merged=${p.summary.overMerging.clusters} lineRecall=${n3(p.summary.lineWeightedRecall)}; causes: ${top}`);
    for (const f of p.examples) {
      const what = f.kind === 'merged' ? `merged with ${f.mergedWith.join(', ')}` : `split into ${f.clusters} clusters${f.mergedWith.length ? `, merged with ${f.mergedWith.join(', ')}` : ''}`;
      out.push(`    ${f.method} ${f.template} (${f.paths} paths) ${what} [${f.causes.join(', ')}]`);
      for (const s of f.samples.slice(0, 3)) out.push(`        ${s.path}  ->  ${s.predicted}`);
    }
  }
  return out.join('\n');
}

export function perApiText(results: readonly ApiResult[], path: DiscoveryPath): string {
  return results
    .filter((r) => r.byPath[path])
    .map((r) => {
      const p = r.byPath[path]!;
      return `${r.proxied ? '*' : ' '}${r.api.padEnd(58)} F1=${n3(p.summary.f1)} true=${String(p.summary.trueTemplates).padEnd(5)} pred=${String(p.summary.predictedClusters).padEnd(5)} ratio=${n3(p.clusterRatio)} over=${p.summary.overMerging.clusters} lineRecall=${n3(p.summary.lineWeightedRecall)} events=${r.events}`;
    })
    .join('\n');
}

export function invarianceText(results: readonly ApiResult[]): string {
  const rs = results.filter((r) => r.invariance);
  if (!rs.length) return '';
  const sh = rs.filter((r) => r.invariance!.shuffled.differingPaths > 0);
  const dv = rs.filter((r) => r.invariance!.doubled.differing > 0);
  const out = [
    `== invariance over ${rs.length} APIs ==`,
    `shuffled arrival (replay): ${sh.length} APIs with differing templates (${sh.reduce((s, r) => s + r.invariance!.shuffled.differingPaths, 0)} paths)`,
    ...sh.slice(0, 10).flatMap((r) => [`  ${r.api}`, ...r.invariance!.shuffled.examples.map((e) => `      ${e}`)]),
    `2x volume: ${dv.length} APIs where templates seen at both volumes differ (${dv.reduce((s, r) => s + r.invariance!.doubled.differing, 0)} of ${rs.reduce((s, r) => s + r.invariance!.doubled.templatesCompared, 0)} templates compared)`,
    ...dv.slice(0, 15).flatMap((r) => [`  ${r.api}: F1 ${n3(r.invariance!.doubled.f1)} -> ${n3(r.invariance!.doubled.f1Double)}`, ...r.invariance!.doubled.examples.slice(0, 3).map((e) => `      ${e}`)]),
  ];
  return out.join('\n');
}
