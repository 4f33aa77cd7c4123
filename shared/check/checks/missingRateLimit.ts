import type { Check, Finding } from '../types.ts';
import { capRecord, pruneDue, is2xx, is5xx, percentile, round } from '../util.ts';
import { alphaFor, perWindow, windowsFor } from '../../engine/windowScale.ts';

interface RateStats { ever429: boolean; typical: number; windows: number; lastTs: number }
export interface MissingRateLimitState {
  endpoints: Record<string, RateStats>;
  /** Per domain: typical requests per caller per endpoint per window, the norm for endpoints without history. */
  domains: Record<string, { typical: number; windows: number; lastTs: number }>;
}

/** One caller's requests to an endpoint in the window; its key is `principal:<id>` or `ip:<id>`. */
interface CallerCount { principal: boolean; id: string; n: number; ok: number; c4: number; anon: boolean }

/** Counts are per 5 minutes of traffic and windows are 5-minute spans; a window of another length scales them (windowScale.ts). */
const thresholds = {
  /** Requests (not counting 5xx) an anonymous caller must send to the endpoint in one window (5 min: 300 = 1 req/s). */
  minCallerRequests: 300,
  /** ...a caller that is guessing (many 4xx: enumeration, brute force), authenticated or not (0.5 req/s). */
  minProbingRequests: 150,
  /** ...an authenticated, well-behaved caller (10 req/s): below that it is an integration the API serves, not abuse. */
  minAuthenticatedRequests: 3000,
  /** ...and how many times the endpoint's typical per-caller volume that must be. */
  normFactor: 20,
  baselineAlpha: 0.1,
  /** Windows of history an endpoint needs before its own norm is used instead of its domain's. */
  minEndpointWindows: 3,
  /** Share of 4xx answers above which the caller looks like it is guessing (enumeration, brute force). */
  probingShare: 0.3,
  maxEndpoints: 20_000,
};

/**
 * A caller sends far more requests than the endpoint's norm and the endpoint has never answered 429: nothing
 * limits how fast it can be called. The volume that counts depends on who calls: a guessing caller (many 4xx)
 * at 0.5 req/s, an anonymous one at 1 req/s, an authenticated well-behaved one only at 10 req/s (a partner or
 * export job the API is meant to serve). Retries of failing requests (5xx) are not counted.
 */
export const missingRateLimit: Check<MissingRateLimitState, typeof thresholds> = {
  definition: {
    id: 'missing_rate_limit',
    title: 'No rate limiting on a heavily used endpoint',
    owasp: 'API4:2023',
    severity: 'medium',
    fix: 'Add method-level throttling in the API Gateway stage or a usage plan per API key, and an AWS WAF rate-based rule per IP; for sensitive lookups also limit per principal.',
    evidence: 'top caller (principal, else IP) and its request count, its 2xx/4xx split, the endpoint typical per-caller volume, whether a 429 was ever returned',
    thresholds,
  },
  initialState: () => ({ endpoints: {}, domains: {} }),
  evaluate(win, state, t) {
    const out: Finding[] = [];
    const domainCounts = new Map<string, number[]>();
    const windowMs = win.windowEnd - win.windowStart;
    const minEndpointWindows = windowsFor(t.minEndpointWindows, windowMs), alpha = alphaFor(t.baselineAlpha, windowMs);
    const minProbing = perWindow(t.minProbingRequests, windowMs), minAnon = perWindow(t.minCallerRequests, windowMs), minAuth = perWindow(t.minAuthenticatedRequests, windowMs);
    for (const [key, evs] of win.byEndpoint) {
      const s = (state.endpoints[key] ??= { ever429: false, typical: 0, windows: 0, lastTs: 0 });
      // Callers in first-seen order; principals and IPs are looked up by the raw value (no key string per request).
      const per: CallerCount[] = [];
      const byPrincipal = new Map<string, CallerCount>();
      const byIp = new Map<string, CallerCount>();
      for (const r of evs) {
        if (r.status === 429) s.ever429 = true;
        if (is5xx(r.status)) continue;
        // Principal, else IP: an API key is often one per app, shared by all its users.
        const principal = r.ev.principalId;
        const byKind = principal ? byPrincipal : byIp;
        const id = principal ? principal : r.ev.ip;
        let p = byKind.get(id);
        if (p === undefined) {
          p = { principal: !!principal, id, n: 0, ok: 0, c4: 0, anon: !r.authenticated };
          byKind.set(id, p);
          per.push(p);
        }
        p.n++; if (is2xx(r.status)) p.ok++; else if (r.status >= 400) p.c4++;
      }
      s.lastTs = evs[evs.length - 1].ts;
      if (per.length === 0) continue;
      const counts = per.map((p) => p.n);
      const median = percentile(counts, 50);
      const domain = evs[0].ev.domainName;
      const dc = domainCounts.get(domain);
      if (dc) { if (dc.length < 5000) dc.push(...counts.slice(0, 5000 - dc.length)); } else domainCounts.set(domain, counts.slice(0, 5000));
      const d = state.domains[domain];
      // The busiest caller, ties to the smallest key (`ip:...` sorts before `principal:...`).
      let tp = per[0];
      for (const p of per) if (p.n > tp.n || (p.n === tp.n && (p.principal === tp.principal ? p.id < tp.id : !p.principal))) tp = p;
      const top = (tp.principal ? 'principal:' : 'ip:') + tp.id;
      // An endpoint without history is judged against its API's norm (an endpoint only the abuser calls has none).
      const typical = s.windows >= minEndpointWindows ? s.typical : d && d.windows > 0 ? d.typical : s.windows === 0 ? median : s.typical;
      const probing = tp.c4 / tp.n >= t.probingShare;
      const floor = probing ? minProbing : tp.anon ? minAnon : minAuth;
      const fire = !s.ever429 && tp.n >= floor && tp.n >= t.normFactor * Math.max(1, typical);
      s.typical = s.windows === 0 ? median : s.typical + alpha * (median - s.typical);
      s.windows++;
      if (!fire) continue;
      out.push({
        type: this.definition.id, domain: evs[0].ev.domainName, method: evs[0].ev.method, template: evs[0].template!,
        severity: probing ? 'high' : tp.anon ? 'medium' : 'low', count: tp.n, ts: s.lastTs,
        evidence: {
          topCaller: top, anonymous: tp.anon, requests: tp.n, ok2xx: tp.ok, client4xx: tp.c4, probing, ratePerSecond: round(tp.n / ((win.windowEnd - win.windowStart) / 1000), 2),
          typicalPerCaller: round(typical, 1), callersInWindow: per.length, ever429: false,
        },
      });
    }
    for (const [domain, counts] of domainCounts) {
      const m = percentile(counts, 50);
      const d = (state.domains[domain] ??= { typical: m, windows: 0, lastTs: 0 });
      d.typical = d.windows === 0 ? m : d.typical + alpha * (m - d.typical);
      d.windows++; d.lastTs = win.windowEnd;
    }
    if (pruneDue(win)) capRecord(state.endpoints, t.maxEndpoints, (s) => s.lastTs);
    if (pruneDue(win)) capRecord(state.domains, t.maxEndpoints, (s) => s.lastTs);
    return out;
  },
};
