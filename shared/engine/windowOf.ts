/** Start of the tumbling window that holds event time `ts`. */
export function windowOf(ts: number, windowMs: number): number {
  return ts - (((ts % windowMs) + windowMs) % windowMs);
}

/** Deterministic order inside a window: event time, then request id. */
export function compareEvents(a: { ts: number; requestId: string }, b: { ts: number; requestId: string }): number {
  return a.ts - b.ts || (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0);
}
