import type { DetectorInput } from '../detector.ts';
import { r3 } from '../detector.ts';
import type { EndpointBaseline } from '../state.ts';
import { actorKey, type EndpointWindow, type WindowView } from '../window.ts';

/**
 * What the credential-stuffing family shares: which endpoints take credentials, their learned failure rate,
 * who failed (or was throttled) there in the window, and which of those addresses are users rather than bots.
 * Failures are rejected submissions: 401/403, and on POST/PUT also 400/422 (OAuth token endpoints answer a
 * wrong password with 400 `invalid_grant`), see window.ts.
 */

/** Paths that take credentials (login, token, session, password) in most APIs. */
export const AUTH_PATH = /(^|\/|_|-)(login|log-in|signin|sign-in|sign_in|token|tokens|oauth2?|authenticate|auth|session|sessions|password|credentials?)(\/|$|\.|_|-)/i;

export type CredentialEndpointThresholds = {
  /** An unnamed POST/PUT endpoint counts as a credential endpoint when this share of its calls is anonymous. */
  credentialAnonShare: number;
  /** Windows an endpoint must have been learned over before its failure baseline counts. */
  minBaselineWindows: number;
};

export type AddressThresholds = {
  /** An address with an authenticated history older than this (ms) is a user's (office, carrier NAT, home). */
  establishedMinAgeMs: number;
  /** ...and a user's address with at most this many failures in the surge is left alone (typos). */
  establishedMaxFailures: number;
};

/** Credentials are submitted, never fetched: POST/PUT endpoints named like a login, or mostly anonymous. */
export function isCredentialEndpoint(ew: EndpointWindow, resolver: DetectorInput['resolver'], t: CredentialEndpointThresholds): boolean {
  if (ew.method !== 'POST' && ew.method !== 'PUT') return false;
  if (AUTH_PATH.test(ew.template)) return true;
  const info = resolver.endpointInfo(ew.domain, ew.method, ew.template);
  const unauthShare = info && info.requestCount > 0 ? info.unauthRequests / info.requestCount : ew.unauth / ew.n;
  return unauthShare >= t.credentialAnonShare;
}

/** Learned failures per window, once learned long enough (else 0: nothing learned is no excuse). */
export function learnedFailures(base: EndpointBaseline | undefined, t: CredentialEndpointThresholds): number {
  return base && base.w >= t.minBaselineWindows ? base.fail : 0;
}

export function baselineEvidence(base: EndpointBaseline | undefined, t: CredentialEndpointThresholds): Record<string, number> {
  return { failuresPerWindow: r3(learnedFailures(base, t)), windowsLearned: base?.w ?? 0 };
}

/** Addresses that failed or were throttled (429: attempts too) on the endpoint in the window. */
export function participants(ew: EndpointWindow): Map<string, { fails: number; throttled: number }> {
  const out = new Map<string, { fails: number; throttled: number }>();
  for (const [ip, fails] of ew.failIps) out.set(ip, { fails, throttled: ew.throttledIps.get(ip) ?? 0 });
  for (const [ip, n] of ew.throttledIps) if (!out.has(ip)) out.set(ip, { fails: 0, throttled: n });
  return out;
}

/**
 * A user's address: an authenticated history (office, carrier NAT) older than the surge, or, in this window,
 * an address that acted for an account and did not start with the login.
 */
export function isUserAddress(ip: string, ew: EndpointWindow, window: WindowView, state: DetectorInput['state'], t: AddressThresholds): boolean {
  const prof = state.profiles[actorKey('ip', ip)];
  const w = window.actors.get(actorKey('ip', ip));
  return (prof !== undefined && prof.fs < window.start - t.establishedMinAgeMs && prof.prs.length > 0 && prof.scen === null)
    || (w !== undefined && w.firstTpl !== ew.key && w.prs.size > 0);
}

export function surgeSummary(ew: EndpointWindow, kind: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind, failures: ew.fail, requests: ew.n, failShare: r3(ew.fail / ew.n), distinctFailingIps: ew.failIps.size, topFailingIps: [...ew.failIps].sort((a, b) => b[1] - a[1]).slice(0, 5), ...extra };
}
