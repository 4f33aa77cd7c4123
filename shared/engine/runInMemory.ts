import type { AccessEvent } from '../normalize/types.ts';
import type { Analysis, AnalysisOutput, DiscoveryAnalysis, WindowContext } from './types.ts';
import { DEFAULT_WINDOW_MS } from './types.ts';
import { compareEvents, windowOf } from './windowOf.ts';
import { indexPaths } from './windowPaths.ts';

export interface InMemoryResult {
  outputs: Record<string, AnalysisOutput[]>;
  states: Record<string, unknown>;
}

/**
 * Runs the analyses over events already in memory, window by window, in the same order the deployed
 * pipeline closes windows (discovery first, then the others against discovery's view of that window).
 * Used by golden tests, the evaluation scripts and the benchmark; the Lambda path goes through
 * `WindowEngine` with the same analyses.
 */
export function runInMemory(
  events: readonly AccessEvent[],
  discovery: DiscoveryAnalysis<any>,
  others: Analysis<any>[],
  windowMs = DEFAULT_WINDOW_MS,
): InMemoryResult {
  const sorted = [...events].sort(compareEvents);
  const all: Analysis<any>[] = [discovery, ...others];
  const states: Record<string, unknown> = Object.fromEntries(all.map((a) => [a.name, a.initialState()]));
  const outputs: Record<string, AnalysisOutput[]> = Object.fromEntries(all.map((a) => [a.name, []]));
  let i = 0;
  let ctx: WindowContext | null = null;
  while (i < sorted.length) {
    const ws = windowOf(sorted[i].ts, windowMs);
    let j = i;
    while (j < sorted.length && sorted[j].ts < ws + windowMs) j++;
    const win = sorted.slice(i, j);
    const paths = indexPaths(win);
    const dctx: WindowContext = { windowStart: ws, windowEnd: ws + windowMs, endpoints: discovery.resolver(states.discovery), paths };
    outputs.discovery.push(discovery.closeWindow(win, states.discovery, dctx));
    ctx = { windowStart: ws, windowEnd: ws + windowMs, endpoints: discovery.resolver(states.discovery), paths };
    for (const a of others) outputs[a.name].push(a.closeWindow(win, states[a.name], ctx));
    i = j;
  }
  if (ctx) for (const a of all) if (a.finish) outputs[a.name].push(a.finish(states[a.name], ctx));
  return { outputs, states };
}
