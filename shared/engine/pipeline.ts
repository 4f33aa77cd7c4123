import type { AccessEvent } from '../normalize/types.ts';
import type { Analysis, AnalysisOutput, DiscoveryAnalysis, EndpointResolver, WindowContext } from './types.ts';
import { windowPathsOf } from './windowPaths.ts';

/** The state of every stage, by stage name; one snapshot holds them all. */
export type PipelineState = Record<string, unknown>;

/** Discovery followed by the analyses that read its view of the same window, run as one analysis. */
export interface Pipeline extends Analysis<PipelineState> {
  readonly name: 'pipeline';
  /** Stage names in run order (discovery first). */
  readonly stages: readonly string[];
  /**
   * Milliseconds each stage has spent in `closeWindow`/`finish` since the pipeline was built: how the
   * benchmark attributes cost to discovery, defects and scoring without running them separately.
   */
  readonly timings: Record<string, number>;
  /** Discovery's endpoint resolver over the pipeline's state. */
  resolver(state: PipelineState): EndpointResolver;
}

const TABLE_OUTPUTS = ['endpoints', 'defects', 'riskEvents', 'actors', 'fileAssets', 'endpointChanges', 'alerts', 'documents'] as const;

function append(into: AnalysisOutput, out: AnalysisOutput): void {
  for (const k of TABLE_OUTPUTS) {
    const rows = out[k] as unknown[] | undefined;
    if (!rows?.length) continue;
    const acc = (into[k] ??= []) as unknown[];
    for (const r of rows) acc.push(r);
  }
}

/**
 * Runs discovery and then the other analyses on each closed window, in one consumer. The stages share
 * one decode, one window buffer and one snapshot, and the others resolve endpoints against discovery's
 * state right after it has taken in the same window, exactly as if each read discovery's snapshot of it.
 *
 * @example
 * const pipeline = createPipeline(createDiscoveryAnalysis(), [createDefectsAnalysis(), createScoringAnalysis()]);
 * const engine = new WindowEngine(pipeline, ports);
 */
export function createPipeline(discovery: DiscoveryAnalysis<any>, others: readonly Analysis<any>[] = []): Pipeline {
  const stages = [discovery, ...others];
  const names = stages.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new Error(`pipeline: stage names must be unique, got ${names.join(', ')}`);
  const timings: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const timed = <T>(name: string, f: () => T): T => {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      timings[name] += performance.now() - t0;
    }
  };
  // A snapshot written before a stage was added to the pipeline has no state for it: start it fresh.
  const stateOf = (state: PipelineState, a: Analysis<any>) => (state[a.name] ??= a.initialState());

  return {
    name: 'pipeline',
    stages: names,
    timings,
    initialState: () => Object.fromEntries(stages.map((s) => [s.name, s.initialState()])),
    resolver: (state) => discovery.resolver(stateOf(state, discovery)),
    closeWindow(events: readonly AccessEvent[], state: PipelineState, ctx: WindowContext): AnalysisOutput {
      const out: AnalysisOutput = {};
      const d = stateOf(state, discovery);
      // Literals of one shape, not spreads: a spread copy got a new map each window, and each new map sent the
      // stages' optimized code back to the interpreter ("wrong map" deoptimizations).
      const paths = windowPathsOf(events, ctx.paths);
      const withPaths: WindowContext = { windowStart: ctx.windowStart, windowEnd: ctx.windowEnd, endpoints: ctx.endpoints, paths };
      // Discovery resolves paths itself; the others get its resolver after it has taken in this window.
      append(out, timed(discovery.name, () => discovery.closeWindow(events, d, withPaths)));
      const after: WindowContext = { windowStart: ctx.windowStart, windowEnd: ctx.windowEnd, endpoints: discovery.resolver(d), paths };
      for (const a of others) append(out, timed(a.name, () => a.closeWindow(events, stateOf(state, a), after)));
      return out;
    },
    defectSeenSince(state: PipelineState, id: string, since: number) {
      for (const a of others) {
        const row = a.defectSeenSince?.(stateOf(state, a), id, since);
        if (row) return row;
      }
      return undefined;
    },
    finish(state: PipelineState, ctx: WindowContext): AnalysisOutput {
      const out: AnalysisOutput = {};
      const endpoints = discovery.resolver(stateOf(state, discovery));
      for (const a of stages) if (a.finish) append(out, timed(a.name, () => a.finish!(stateOf(state, a), { ...ctx, endpoints })));
      return out;
    },
  };
}
