/**
 * Why a true template was not recovered, in terms the discovery engineer can act on: which parameter
 * (and so which value style) was kept literal when a template split, which literal was turned into a
 * parameter when templates were merged.
 */
import type { Scored } from './score.ts';
import type { Style } from './valueStyles.ts';

export interface Failure {
  kind: 'split' | 'merged' | 'split+merged';
  template: string;
  method: string;
  /** Distinct concrete paths the template has in the traffic. */
  paths: number;
  /** Predicted clusters its paths went to. */
  clusters: number;
  /** Other true templates sharing its clusters (over-merge). */
  mergedWith: string[];
  /** Cause labels, e.g. `kept-literal:word`, `literal-generalized`, `segment-count`. */
  causes: string[];
  /** A few (predicted template, sample path) pairs. */
  samples: Array<{ predicted: string; path: string }>;
}

const PARAM = /\{[^{}]*\}/;

/**
 * Per failing true template, what went wrong. `styles` gives the value style of each parameter of each
 * true template (keyed `METHOD template`); `stagePrefix` is stripped from true templates so they align with
 * discovery's templates (which never hold the execute-api stage).
 */
export function analyseFailures(scored: Scored, styles: Map<string, Style[]>, stagePrefix: string): Failure[] {
  const out: Failure[] = [];
  for (const t of scored.trues.values()) {
    if (t.recovered) continue;
    const cl = [...t.cids].map((c) => scored.clusters.get(c)!);
    const merged = new Set<string>();
    for (const c of cl) for (const o of c.tids) if (o !== t.id) merged.add(o.split('\t')[2]);
    const split = t.cids.size > 1;
    const kind = split && merged.size ? 'split+merged' : split ? 'split' : 'merged';
    const st = styles.get(`${t.method} ${t.template}`) ?? [];
    const trueSegs = (stagePrefix && t.template.startsWith(stagePrefix + '/') ? t.template.slice(stagePrefix.length) : t.template).split('/');
    const causes = new Set<string>();
    for (const c of cl) {
      if (c.template.startsWith('\u0000')) { causes.add('no-prediction'); continue; }
      const ps = c.template.split('/');
      if (ps.length !== trueSegs.length) { causes.add(`segment-count:${st.join('+') || 'none'}`); continue; }
      let pi = 0;
      for (let i = 0; i < ps.length; i++) {
        const tIsParam = PARAM.test(trueSegs[i]);
        const nParams = tIsParam ? (trueSegs[i].match(/\{/g) ?? []).length : 0;
        const pIsParam = PARAM.test(ps[i]);
        if (tIsParam && !pIsParam && split) causes.add(`kept-literal:${st.slice(pi, pi + nParams).join('+') || '?'}${trueSegs[i].replace(PARAM, '') ? '(mixed)' : ''}`);
        if (!tIsParam && pIsParam && merged.size) causes.add('literal-generalized');
        pi += nParams;
      }
    }
    if (merged.size && ![...causes].some((c) => c === 'literal-generalized')) causes.add('merged-other');
    if (!causes.size) causes.add(split ? 'split-other' : 'other');
    const samples = cl.slice(0, 4).map((c) => ({ predicted: c.template.replace('\u0000', '(none) '), path: [...c.keys].find((k) => t.keys.has(k))!.split('\t')[2] }));
    out.push({ kind, template: t.template, method: t.method, paths: t.keys.size, clusters: t.cids.size, mergedWith: [...merged].slice(0, 4), causes: [...causes].sort(), samples });
  }
  // The largest failures first: what a user sees most.
  out.sort((a, b) => b.clusters - a.clusters || b.mergedWith.length - a.mergedWith.length || (a.template < b.template ? -1 : 1));
  return out;
}
