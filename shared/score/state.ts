import type { ActorType } from './types.ts';

/**
 * Everything scoring remembers between windows. Plain JSON, bounded: profiles are capped and evicted when
 * idle, every list inside a profile is a small ring, counters decay.
 */
export interface ScoringState {
  v: 1;
  windows: number;
  lastWindowEnd: number;
  profiles: Record<string, Profile>;
  endpoints: Record<string, EndpointBaseline>;
  population: PopulationBaseline;
  incidents: Record<string, Incident>;
  /** Endpoint key by its digest: profiles store digests (`Profile.tpl`), rows and evidence show names. Bounded. */
  names: Record<string, string>;
  /** Accounts flagged together for sweeping one endpoint (distributed scraping), per endpoint digest; bounded. */
  clusters: Record<string, { members: string[]; last: number }>;
  stats: { events: number; findings: number; riskEvents: number; alerts: number; suppressed: number; evicted: number; alertsFolded?: number };
}

/** Decayed accumulators (half-life `ACC_HALF_LIFE_MS`): the last few hours of an actor's behaviour. */
export interface Accumulators {
  ts: number;
  n: number;
  e4: number;
  e404: number;
  e401: number;
  e403: number;
  unauth: number;
  unauthOk: number;
  unauthBytes: number;
  scripted: number;
  /** Requests with a scripted or plain-library (SDK, unknown, empty) user agent. */
  auto: number;
  unmatched: number;
  idReq: number;
  idNew: number;
  ipNew: number;
  /** State-changing calls (not GET/HEAD/OPTIONS) on an id, and those on an id the actor never used (sequence anomaly). */
  wIdReq?: number;
  wIdNew?: number;
  /** Gaps between consecutive requests: count, sum and sum of squares (ms), for the actor's cadence over hours. */
  gN?: number;
  gS?: number;
  gQ?: number;
}

export interface Profile {
  t: ActorType;
  /** First and last event time seen. */
  fs: number;
  ls: number;
  /** Lifetime requests. */
  n: number;
  /** Bounded-rate EWMA of requests per active window, and how many windows trained it. */
  rate: number;
  rateN: number;
  /** Requests per hour of day (UTC). */
  hours: number[];
  /** Top endpoints (digests of endpoint keys, see `ScoringState.names`) with counts. */
  tpl: Record<string, number>;
  /** Recent rings. */
  ips: string[];
  prs: string[];
  uas: string[];
  /** UA classes seen before (what "normal" looks like for this actor). */
  ucls: string[];
  ids: string[];
  /** Last endpoint key called (principals), for the transition model. */
  last: string | null;
  acc: Accumulators;
  /** Decayed risk score and when it was last set. */
  risk: number;
  riskTs: number;
  /** Event time until which the actor counts as flagged (does not train baselines). */
  flagged: number;
  scen: string | null;
}

export interface EndpointBaseline {
  /** Windows observed, EWMA of requests and of auth failures (401/403) per window. */
  w: number;
  n: number;
  fail: number;
  /** Decayed totals: requests, 4xx, 404, bytes, requests on a known id, on an id never seen from the caller. */
  tot: number;
  e4: number;
  e404: number;
  bytes: number;
  idReq: number;
  idNew: number;
  /** Predecessor endpoint counts for principals (transition model), bounded. */
  prev: Record<string, number>;
  ls: number;
  /**
   * Recent auth failures (401/403/429) from everyone, flagged or not: an observation, not a baseline.
   * Decayed count (half-life 1 h), when, and the last failing addresses (ring), for slow stuffing.
   */
  rf?: { n: number; ts: number; ips: string[] };
}

export interface PopulationBaseline {
  /** Decayed histogram of per-actor-window request counts (log2 buckets) for IPs. */
  ipHist: number[];
  /** Per domain: decayed UA class mix of authenticated requests and overall 4xx share. */
  domains: Record<string, { cls: Record<string, number>; n: number; e4: number; refused: number }>;
}

export interface Incident {
  id: string;
  start: number;
  last: number;
  score: number;
  severity: string;
  scenario: string;
  windows: number;
  /** The highest severity an alert of this incident had (absent in states written before it was kept). */
  alerted?: string;
}

export const ACC_HALF_LIFE_MS = 2 * 3600_000;
export const RING_IPS = 32;
export const RING_IDS = 64;
export const RING_SMALL = 8;
export const TOP_TEMPLATES = 8;
export const RECENT_FAIL_HALF_LIFE_MS = 3600_000;
export const RING_FAIL_IPS = 256;
export const RING_UAS = 4;

export function initialScoringState(): ScoringState {
  return {
    v: 1,
    windows: 0,
    lastWindowEnd: 0,
    profiles: {},
    endpoints: {},
    population: { ipHist: new Array(24).fill(0), domains: {} },
    incidents: {},
    names: {},
    clusters: {},
    stats: { events: 0, findings: 0, riskEvents: 0, alerts: 0, suppressed: 0, evicted: 0 },
  };
}

export function emptyAcc(ts: number): Accumulators {
  return { ts, n: 0, e4: 0, e404: 0, e401: 0, e403: 0, unauth: 0, unauthOk: 0, unauthBytes: 0, scripted: 0, auto: 0, unmatched: 0, idReq: 0, idNew: 0, ipNew: 0 };
}

export function newProfile(t: ActorType, ts: number): Profile {
  return {
    t, fs: ts, ls: ts, n: 0, rate: 0, rateN: 0, hours: new Array(24).fill(0), tpl: {}, ips: [], prs: [], uas: [], ucls: [], ids: [],
    last: null, acc: emptyAcc(ts), risk: 0, riskTs: ts, flagged: 0, scen: null,
  };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Rounds accumulators to 3 decimals (in place): they are persisted every window. Field by field (every field
 * but `ts`), not over `Object.keys`: it runs for every actor of every window.
 */
export function roundAcc(a: Accumulators): void {
  a.n = r3(a.n); a.e4 = r3(a.e4); a.e404 = r3(a.e404); a.e401 = r3(a.e401); a.e403 = r3(a.e403); a.unauth = r3(a.unauth);
  a.unauthOk = r3(a.unauthOk); a.unauthBytes = r3(a.unauthBytes); a.scripted = r3(a.scripted); a.auto = r3(a.auto);
  a.unmatched = r3(a.unmatched); a.idReq = r3(a.idReq); a.idNew = r3(a.idNew); a.ipNew = r3(a.ipNew);
  if (a.wIdReq !== undefined) { a.wIdReq = r3(a.wIdReq); a.wIdNew = r3(a.wIdNew ?? 0); }
  if (a.gN !== undefined) { a.gN = r3(a.gN); a.gS = Math.round(a.gS ?? 0); a.gQ = Math.round(a.gQ ?? 0); }
}

/** Decays accumulators to time `ts` (in place). */
export function decayAcc(a: Accumulators, ts: number, halfLife = ACC_HALF_LIFE_MS): void {
  if (ts <= a.ts) return;
  const f = Math.pow(0.5, (ts - a.ts) / halfLife);
  a.n *= f; a.e4 *= f; a.e404 *= f; a.e401 *= f; a.e403 *= f; a.unauth *= f; a.unauthOk *= f; a.unauthBytes *= f; a.scripted *= f; a.auto *= f;
  a.unmatched *= f; a.idReq *= f; a.idNew *= f; a.ipNew *= f;
  if (a.wIdReq !== undefined) { a.wIdReq *= f; a.wIdNew = (a.wIdNew ?? 0) * f; }
  if (a.gN !== undefined) { a.gN *= f; a.gS = (a.gS ?? 0) * f; a.gQ = (a.gQ ?? 0) * f; }
  a.ts = ts;
}

/** Short stable digest of an id value (FNV-1a 32-bit, base 36): keeps id rings small in state. */
export function idDigest(v: string): string {
  return digestOfCode(idCode(v));
}

/**
 * The 32-bit hash behind `idDigest`, as a signed integer. Within a window ids are compared by code: a Set of
 * small integers answers without reading any string, where a Set of digest strings reads each candidate.
 */
export function idCode(v: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < v.length; i++) { h ^= v.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h | 0;
}

export function digestOfCode(code: number): string {
  return (code >>> 0).toString(36);
}

/** The code of a digest as `idDigest` writes it (lower-case base 36, no leading zero, 32 bits), else null. */
export function codeOfDigest(d: string): number | null {
  if (d.length === 0 || d.length > 7 || (d.length > 1 && d.charCodeAt(0) === 48)) return null;
  let v = 0;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    const x = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : -1;
    if (x < 0) return null;
    v = v * 36 + x;
  }
  return v > 0xffffffff ? null : v | 0;
}

/** Pushes to a ring (most recent last) if absent; returns true when the value was new. */
export function ringAdd(ring: string[], v: string, cap: number): boolean {
  if (ring.includes(v)) return false;
  ring.push(v);
  if (ring.length > cap) ring.shift();
  return true;
}

/** Adds a window's counts (`n` per `id`) to a bounded top-k map (one key count per call, not per entry). */
export function topAddAll(m: Record<string, number>, entries: Iterable<{ id: string; n: number }>, cap: number): void {
  let size = -1;
  for (const { id: key, n } of entries) {
    if (m[key] !== undefined) { m[key] += n; continue; }
    if (size < 0) { size = 0; for (const _ in m) size++; }
    if (size < cap) { m[key] = n; size++; continue; }
    topAdd(m, key, n, cap);
  }
}

/** Increments a bounded top-k counter map, evicting the smallest entry when full. */
export function topAdd(m: Record<string, number>, k: string, by: number, cap: number): void {
  if (m[k] !== undefined) { m[k] += by; return; }
  let size = 0, min: string | null = null;
  for (const x in m) { size++; if (min === null || m[x] < m[min]) min = x; }
  if (size >= cap && min !== null) {
    // Space-saving sketch: the newcomer inherits the evicted count so heavy hitters are never lost.
    by += m[min];
    delete m[min];
  }
  m[k] = by;
}

/**
 * The actor's accumulators as of the end of this window (profile decayed, plus the window), without
 * touching the profile: what cumulative (low-and-slow) detectors compare with their thresholds.
 */
export function accWithWindow(
  p: Profile | undefined,
  w: { n: number; e4: number; e404: number; e401: number; e403: number; unauth: number; unauthOk: number; unauthBytes: number; unmatched: number; idReq: number; idNew: number; newIps: number },
  scripted: number,
  ts: number,
  auto = scripted,
): Accumulators {
  const a: Accumulators = p ? { ...p.acc } : emptyAcc(ts);
  decayAcc(a, ts);
  a.n += w.n; a.e4 += w.e4; a.e404 += w.e404; a.e401 += w.e401; a.e403 += w.e403; a.unauth += w.unauth; a.unauthOk += w.unauthOk;
  a.unauthBytes += w.unauthBytes; a.scripted += scripted; a.auto += auto; a.unmatched += w.unmatched; a.idReq += w.idReq; a.idNew += w.idNew; a.ipNew += w.newIps;
  return a;
}
