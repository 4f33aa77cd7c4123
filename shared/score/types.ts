import type { Severity } from '../emit/rows.ts';

/** Who a score is about. `ip` also covers the caller's /24 (IPv4) or /48 (IPv6) in evidence. */
export type ActorType = 'ip' | 'principal' | 'api_key' | 'ua_fingerprint';

/** Attack scenarios a risk event can resemble (names shared with the evaluation labels). */
export type Scenario =
  | 'credential_stuffing'
  | 'low_and_slow_scraping'
  | 'bola_enumeration'
  | 'unauth_bulk_download'
  | 'scripted_user_agents'
  | 'sequence_anomaly'
  | 'traffic_spike'
  | 'forced_browsing'
  | 'anomalous_behaviour';

/**
 * A detector is data plus one pure function. The data says what fires and why (crowdsec-style):
 * thresholds an operator can tune, the scenario it points at, labels and the OWASP API Top 10 entry.
 */
export interface DetectorDefinition<T extends Record<string, number> = Record<string, number>> {
  id: string;
  description: string;
  scenario: Scenario;
  /** OWASP API Security Top 10 (2023) entry. */
  owasp: string;
  labels: { behaviour: string; mitre?: string; confidence: 'low' | 'medium' | 'high' };
  /** Score (0-100) a finding of full confidence contributes. */
  weight: number;
  /**
   * Thresholds are written for 5-minute windows. `perWindow` names the counts per window (failures, requests,
   * distinct ids: a rate, scaled to the window's length and rounded up), `windowSpans` the counts of windows
   * (a duration: 12 windows = an hour at any length); the others (shares, ratios, ms, decayed counts over hours)
   * do not depend on the window. See scaleThresholds.
   */
  perWindow?: ReadonlyArray<keyof T & string>;
  windowSpans?: ReadonlyArray<keyof T & string>;
  thresholds: T;
}

/** One detector firing on one actor in one window, with the evidence a human checks. */
export interface Finding {
  detector: string;
  scenario: Scenario;
  /** Actor key `<type>|<id>` (see actorKey). */
  actor: string;
  domain: string;
  /** 0..1, scales the detector weight. */
  confidence: number;
  /** What fired, on which requests, against which baseline. Small and JSON-serialisable. */
  evidence: Record<string, unknown>;
  related?: string[];
}

/** Operator-supplied IP lists. Each entry is a CIDR (`203.0.113.0/24`, `2001:db8::/32`) or a single address. */
export interface IpLists {
  allow?: string[];
  datacenter?: string[];
  tor?: string[];
  proxy?: string[];
  deny?: string[];
  /** Published search-engine crawler ranges: a crawler UA from here is trusted like an allow-listed address. */
  crawler?: string[];
}

export interface ScoringOptions {
  /** Score at or above which an actor-window becomes a risk event (default 50). */
  flagThreshold?: number;
  /** Risk decay half-life in ms (default 1 h). */
  riskHalfLifeMs?: number;
  /** Quiet time after which an actor's incident closes and a new one may alert (default 60 min). */
  incidentCooldownMs?: number;
  /** IP reputation lists; merged with the offline defaults unless `replaceDefaultIpLists`. */
  ipLists?: IpLists;
  replaceDefaultIpLists?: boolean;
  /** Principals / API keys the operator trusts: never flagged. */
  allowPrincipals?: string[];
  allowApiKeys?: string[];
  /** Per-detector threshold overrides: `{ enumeration: { minDistinctIds: 40 } }`; `enabled: 0` turns one off. */
  detectors?: Record<string, Record<string, number>>;
  /** Bound on remembered actor profiles (default 50 000); least recently seen are evicted first. */
  maxProfiles?: number;
  /** Actor profiles idle longer than this are evicted (default 3 days). */
  profileTtlMs?: number;
  /** Emit an ActorRow snapshot of the busiest actors every N windows (default: hourly, 12 windows of 5 minutes). */
  profileSnapshotEvery?: number;
  /** Observer for raw findings before scoring (tests, debugging). */
  onFindings?: (findings: Finding[], windowStart: number) => void;
}

export const SEVERITY_BANDS: ReadonlyArray<[number, Severity]> = [
  [90, 'critical'],
  [75, 'high'],
  [50, 'medium'],
  [25, 'low'],
  [0, 'info'],
];
