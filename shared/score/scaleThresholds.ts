import { countFor, REFERENCE_WINDOW_MS, windowsFor } from '../engine/windowScale.ts';
import type { DetectorDefinition } from './types.ts';

/**
 * A detector's thresholds for windows of `windowMs`: the counts it lists as `perWindow` keep their rate, the
 * ones it lists as `windowSpans` keep their duration, so the same traffic meets the same thresholds at 1 and
 * 5 minutes. Unchanged (the same object) at 5 minutes.
 * @example
 * scaleThresholds(bruteForce.definition, { minWindowFailures: 8, minBaselineWindows: 12 }, 60_000) // { minWindowFailures: 2, minBaselineWindows: 60 }
 */
export function scaleThresholds<T extends Record<string, number>>(def: Pick<DetectorDefinition<T>, 'perWindow' | 'windowSpans'>, t: T, windowMs: number): T {
  if (windowMs === REFERENCE_WINDOW_MS || (!def.perWindow?.length && !def.windowSpans?.length)) return t;
  const out: Record<string, number> = { ...t };
  for (const k of def.perWindow ?? []) out[k] = countFor(t[k], windowMs);
  for (const k of def.windowSpans ?? []) out[k] = windowsFor(t[k], windowMs);
  return out as T;
}
