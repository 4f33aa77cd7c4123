import { alphaFor, REFERENCE_WINDOW_MS, windowsPerDay } from '../engine/windowScale.ts';

/**
 * Learning rules shared by every baseline. They resist poisoning in three ways: flagged actors never train
 * (the caller skips them), each update moves the baseline by at most `maxStep` of its value (a slow ramp
 * cannot drag it along faster than that), and quiet periods do not shrink it below what was learned.
 */

/**
 * EWMA whose step is capped relative to the current value.
 * @example
 * boundedEwma(100, 1000, 0.1, 0.02) // 102: a 10x jump moves the baseline by 2 % only
 */
export function boundedEwma(current: number, sample: number, alpha: number, maxStep: number, floor = 1, maxStepDown = maxStep): number {
  const step = alpha * (sample - current);
  const base = Math.max(current, floor);
  return current + Math.max(-maxStepDown * base, Math.min(maxStep * base, step));
}

/**
 * Per-window step cap for a wanted daily growth limit: `(1 + perDay)^(1/windowsPerDay) - 1`.
 * @example
 * stepForDailyGrowth(0.01, 288) // ~3.5e-5: baseline may grow at most 1 % a day with 5-min windows
 */
export function stepForDailyGrowth(perDay: number, windowsPerDay: number): number {
  return Math.pow(1 + perDay, 1 / windowsPerDay) - 1;
}

/** Median and MAD-based robust z-scores over a sample (population of actor-windows; no NaN). */
export function robustStats(xs: ArrayLike<number>): { median: number; mad: number } {
  if (!xs.length) return { median: 0, mad: 0 };
  // A typed array sorts numerically with no comparator call (and no boxed difference) per comparison.
  const s = Float64Array.from(xs).sort();
  const med = quantileSorted(s, 0.5);
  const dev = s.map((x) => Math.abs(x - med)).sort();
  return { median: med, mad: quantileSorted(dev, 0.5) };
}

export function robustZ(x: number, median: number, mad: number, minScale: number): number {
  return (x - median) / Math.max(1.4826 * mad, minScale);
}

export function quantileSorted(s: ArrayLike<number>, q: number): number {
  if (!s.length) return 0;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}

/** log2 bucket of a count, for decayed histograms. */
export function log2Bucket(n: number, buckets: number): number {
  return Math.min(buckets - 1, n <= 1 ? 0 : Math.floor(Math.log2(n)));
}

/** Upper edge of the bucket holding quantile q of a log2 histogram (a conservative percentile). */
export function histQuantile(hist: number[], q: number): number {
  let total = 0;
  for (const h of hist) total += h;
  if (total <= 0) return 0;
  let acc = 0;
  for (let i = 0; i < hist.length; i++) {
    acc += hist[i];
    if (acc >= q * total) return Math.pow(2, i + 1);
  }
  return Math.pow(2, hist.length);
}

/** Shrunk rate estimate: (k + prior*strength) / (n + strength). */
export function shrunkRate(k: number, n: number, prior: number, strength: number): number {
  return (k + prior * strength) / (n + strength);
}

/** Windows per day at the engine's default 5-minute windows (see windowScale.ts for other lengths). */
export const WINDOWS_PER_DAY = windowsPerDay(REFERENCE_WINDOW_MS);
/** An actor's learned rate may rise by at most this much per day, however fast its traffic grows. */
export const RATE_MAX_DAILY_GROWTH = 0.005;
/** EWMA weight per 5-minute window (alphaFor keeps it per unit of time at other lengths). */
const RATE_ALPHA = 0.05;

/**
 * Learns an actor's requests per active window: a plain running mean over its first day of active windows (so
 * daily cycles are in it), then an EWMA whose moves are capped at `RATE_MAX_DAILY_GROWTH` per day either way.
 * A caller ramping a few % a day drifts away from its own baseline and is caught as a slow ramp. `windowMs`
 * is the window length: a day is 288 windows of 5 minutes or 1440 of 1 minute, and the weight and cap per
 * window follow, so the rate learned per unit of time is the same.
 * @example
 * let r = 10; for (let i = 0; i < 288; i++) r = learnActorRate(r, 288 + i, 20); // r ~ 10.05
 */
export function learnActorRate(rate: number, rateN: number, n: number, windowMs = REFERENCE_WINDOW_MS): number {
  if (windowMs !== rateRule.windowMs) rateRule = rateRuleFor(windowMs);
  if (rateN < rateRule.perDay) return (rate * rateN + n) / (rateN + 1);
  return boundedEwma(rate, n, rateRule.alpha, rateRule.stepUp, 1);
}

/** learnActorRate's per-window constants for one window length (it runs for every actor of every window). */
function rateRuleFor(windowMs: number) {
  const perDay = windowsPerDay(windowMs);
  return { windowMs, perDay, alpha: alphaFor(RATE_ALPHA, windowMs), stepUp: stepForDailyGrowth(RATE_MAX_DAILY_GROWTH, perDay) };
}
let rateRule = rateRuleFor(REFERENCE_WINDOW_MS);
