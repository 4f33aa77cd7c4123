/**
 * Window length as a parameter of scoring. Detector thresholds and learning rates are written for windows of
 * `REFERENCE_WINDOW_MS` (5 minutes: "25 failures in a window", "12 windows learned" = 1 hour); the window a
 * stage closes may be shorter or longer (APISCOPE_WINDOW_MS, 1 minute to 1 hour). These helpers turn such a
 * constant into the closing window's units, so that the same traffic gives the same findings at any window:
 * spans of time stay spans of time (a count of windows is a duration), rates per window scale with the window,
 * per-window learning rates keep their rate per unit of time.
 */
export const REFERENCE_WINDOW_MS = 300_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * How many windows of `windowMs` make the span `referenceWindows` 5-minute windows make (at least 1).
 * @example
 * windowsFor(12, 60_000) // 60: an hour of 1-minute windows
 */
export function windowsFor(referenceWindows: number, windowMs: number): number {
  return Math.max(1, Math.round((referenceWindows * REFERENCE_WINDOW_MS) / windowMs));
}

/**
 * A count per 5-minute window, for a window of `windowMs` (a request rate, not a span of time).
 * @example
 * perWindow(300, 60_000) // 60: 1 request a second over a minute
 */
export function perWindow(perReferenceWindow: number, windowMs: number): number {
  return (perReferenceWindow * windowMs) / REFERENCE_WINDOW_MS;
}

/** Windows per day and per hour at `windowMs` (288 and 12 at 5 minutes). */
export function windowsPerDay(windowMs: number): number {
  return DAY_MS / windowMs;
}
export function windowsPerHour(windowMs: number): number {
  return Math.max(1, Math.round(HOUR_MS / windowMs));
}

/**
 * An EWMA weight given per 5-minute window, for one window of `windowMs`: the same weight per unit of time
 * (`1 - (1 - alpha)^(windowMs / 5 min)`).
 * @example
 * alphaFor(0.05, 60_000) // ~0.0102: five 1-minute steps forget as much as one 5-minute step
 */
export function alphaFor(alphaPerReferenceWindow: number, windowMs: number): number {
  if (windowMs === REFERENCE_WINDOW_MS) return alphaPerReferenceWindow;
  return 1 - Math.pow(1 - alphaPerReferenceWindow, windowMs / REFERENCE_WINDOW_MS);
}

/**
 * A relative step cap given per 5-minute window, for one window of `windowMs`: the same growth per unit of
 * time (`(1 + step)^(windowMs / 5 min) - 1`).
 */
export function stepFor(stepPerReferenceWindow: number, windowMs: number): number {
  if (windowMs === REFERENCE_WINDOW_MS) return stepPerReferenceWindow;
  return Math.pow(1 + stepPerReferenceWindow, windowMs / REFERENCE_WINDOW_MS) - 1;
}

/**
 * A count threshold per 5-minute window ("25 failures", "30 distinct ids") for a window of `windowMs`: the
 * same rate, rounded up, at least `floor` (identical at 5 minutes).
 * @example
 * countFor(25, 60_000) // 5
 */
export function countFor(perReferenceWindow: number, windowMs: number, floor = 1): number {
  if (windowMs === REFERENCE_WINDOW_MS) return perReferenceWindow;
  return Math.max(floor, Math.ceil(perWindow(perReferenceWindow, windowMs) - 1e-9));
}
