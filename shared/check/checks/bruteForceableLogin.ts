import type { Check, Finding } from '../types.ts';
import { addSample, capRecord, pruneDue, is2xx, shortHash } from '../util.ts';
import { isLoginEndpoint } from '../classifyEndpoint.ts';

interface CallerFailures { failures: number; firstTs: number; lastTs: number }
export interface BruteForceableLoginState {
  /** `<endpoint key>|<ip>|<user agent hash>` -> failures since the caller's last success. */
  callers: Record<string, CallerFailures>;
  throttled: Record<string, boolean>;
}

const thresholds = {
  /** Failed attempts (401/403) from one caller (IP + user agent) on the login endpoint before a success that counts. */
  minFailures: 10,
  /** Distributed guessing: failed logins in one window across all callers... */
  minWindowFailures: 50,
  /** ...making up at least this share of the endpoint's answers in the window... */
  minWindowFailureShare: 0.5,
  /** ...while some callers that failed in the window also got in. */
  minWindowSuccessesAfterFailure: 1,
  /** Failures older than this (ms) are forgotten. */
  horizonMs: 3_600_000,
  maxCallers: 50_000,
};

/**
 * A login / token endpoint answers 2xx to an IP right after many failed attempts from that same IP: there is
 * no lockout, back-off or CAPTCHA, so passwords can be guessed or stuffed. Failures on other endpoints (expired
 * tokens behind a carrier NAT) are not counted.
 */
export const bruteForceableLogin: Check<BruteForceableLoginState, typeof thresholds> = {
  definition: {
    id: 'brute_forceable_login',
    title: 'Login can be brute-forced: successes after many failed attempts',
    owasp: 'API2:2023',
    severity: 'high',
    fix: 'Lock or slow down an account and an IP after repeated failures (exponential back-off, CAPTCHA, MFA), add a WAF rate-based rule on the login route, and alert on success-after-failures.',
    evidence: 'callers (IP) that succeeded after N failures, the largest N, whether the endpoint ever answered 429',
    thresholds,
  },
  initialState: () => ({ callers: {}, throttled: {} }),
  evaluate(win, state, t) {
    const out: Finding[] = [];
    for (const [key, evs] of win.byEndpoint) {
      const { domainName: domain, method } = evs[0].ev;
      const template = evs[0].template!;
      if (!isLoginEndpoint(method, template)) continue;
      const ips: string[] = [];
      let hits = 0, maxFailures = 0, lastTs = 0, winFailures = 0, winSuccessAfterFailure = 0, winThrottled = 0;
      const failedIps = new Set<string>();
      for (const r of evs) {
        const ev = r.ev;
        if (ev.status === 401 || ev.status === 403) { winFailures++; failedIps.add(ev.ip); }
        else if (ev.status === 429) winThrottled++;
        else if (is2xx(ev.status) && failedIps.has(ev.ip)) { winSuccessAfterFailure++; lastTs = Math.max(lastTs, ev.ts); addSample(ips, ev.ip, 5); }
        if (ev.status === 429) state.throttled[key] = true;
        // IP + user agent: users behind one carrier NAT or office IP do not add up into one "caller".
        const ck = `${key}|${ev.ip}|${shortHash(ev.userAgent)}`;
        let c: CallerFailures | undefined = state.callers[ck];
        if (c && ev.ts - c.lastTs > t.horizonMs) { delete state.callers[ck]; c = undefined; }
        if (ev.status === 401 || ev.status === 403) {
          c ??= state.callers[ck] = { failures: 0, firstTs: ev.ts, lastTs: ev.ts };
          c.failures++; c.lastTs = ev.ts;
        } else if (is2xx(ev.status) && c) {
          if (c.failures >= t.minFailures) {
            hits++; lastTs = ev.ts; maxFailures = Math.max(maxFailures, c.failures);
            addSample(ips, ev.ip, 5);
          }
          delete state.callers[ck];
        }
      }
      const distributed = winFailures >= t.minWindowFailures && winFailures / evs.length >= t.minWindowFailureShare && winSuccessAfterFailure >= t.minWindowSuccessesAfterFailure;
      if (hits === 0 && !distributed) continue;
      out.push({
        type: this.definition.id, domain, method, template, count: hits + (distributed ? winSuccessAfterFailure : 0), ts: lastTs || evs[evs.length - 1].ev.ts,
        evidence: {
          pattern: hits > 0 ? 'one caller got in after many failures' : 'many callers guessing, some got in',
          successesAfterManyFailures: hits, maxFailuresBeforeSuccess: maxFailures,
          windowRequests: evs.length, windowFailures: winFailures, windowFailingIps: failedIps.size, windowSuccessesAfterFailure: winSuccessAfterFailure, window429: winThrottled,
          sampleIps: ips, endpointEverThrottled: state.throttled[key] === true,
        },
      });
    }
    if (pruneDue(win)) capRecord(state.callers, t.maxCallers, (c) => c.lastTs);
    if (pruneDue(win)) capRecord(state.throttled, t.maxCallers, () => 0);
    return out;
  },
};
