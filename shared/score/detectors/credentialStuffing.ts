import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import type { Finding } from '../types.ts';
import { actorKey } from '../window.ts';

/** Paths that take credentials (login, token, session, password) in most APIs. */
export const AUTH_PATH = /(^|\/|_|-)(login|log-in|signin|sign-in|sign_in|token|tokens|oauth2?|authenticate|auth|session|sessions|password|credentials?)(\/|$|\.|_|-)/i;

export const credentialStuffing: Detector<{
  minFailures: number; surgeRatio: number; minDistinctIps: number; minFailShare: number; bruteForceFailures: number;
  establishedMaxFailures: number; slowMinWindowFailures: number; slowMinFailShare: number;
}> = {
  definition: {
    id: 'credential_stuffing',
    role: 'primary',
    description: 'Surge of 401/403 answers on a credential-taking endpoint far above its own baseline (in one window, or over the last hour for slow stuffing), spread over rotating IPs (stuffing) or concentrated on one IP (brute force); accounts that then act from those IPs are flagged as taken over.',
    scenario: 'credential_stuffing',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:bruteforce', mitre: 'T1110.004', confidence: 'high' },
    weight: 85,
    thresholds: { minFailures: 25, surgeRatio: 8, minDistinctIps: 8, minFailShare: 0.5, bruteForceFailures: 30, establishedMaxFailures: 2, slowMinWindowFailures: 3, slowMinFailShare: 0.3 },
  },
  detect({ window, state, resolver }, t) {
    const out: Finding[] = [];
    const stuffingIps = new Map<string, string>();
    const freshOk = new Map<string, string>();
    for (const ew of window.endpoints.values()) {
      if (ew.fail < Math.min(t.slowMinWindowFailures, t.bruteForceFailures)) continue;
      const info = resolver.endpointInfo(ew.domain, ew.method, ew.template);
      const unauthShare = info && info.requestCount > 0 ? info.unauthRequests / info.requestCount : ew.unauth / ew.n;
      // Credentials are submitted, never fetched: only POST/PUT endpoints take part.
      if (ew.method !== 'POST' && ew.method !== 'PUT') continue;
      const authLike = AUTH_PATH.test(ew.template) || unauthShare >= 0.8;
      if (!authLike) continue;
      const base = state.endpoints[ew.key];
      const baseFail = base && base.w >= 12 ? base.fail : 0;
      const failShare = ew.fail / ew.n;
      const burst = ew.fail >= t.minFailures && ew.fail >= t.surgeRatio * (baseFail + 1) && ew.failIps.size >= t.minDistinctIps && failShare >= t.minFailShare;
      // Slow stuffing: the last hour (decayed) rather than one window, against an hour of the learned baseline.
      let slow = false, recentFailures = 0, recentIps = 0;
      if (!burst && base && base.w >= 12 && base.rf && ew.fail >= t.slowMinWindowFailures && failShare >= t.slowMinFailShare) {
        recentFailures = base.rf.n * Math.pow(0.5, (window.end - base.rf.ts) / 3600_000) + ew.fail;
        const ips = new Set(base.rf.ips);
        for (const ip of ew.failIps.keys()) ips.add(ip);
        recentIps = ips.size;
        slow = recentFailures >= 2 * t.minFailures && recentFailures >= t.surgeRatio * (12 * baseFail + 1) && recentIps >= 2 * t.minDistinctIps;
      }
      const surge = burst || slow;
      const baseline = { failuresPerWindow: r3(baseFail), windowsLearned: base?.w ?? 0 };
      if (surge) {
        const topIps = [...ew.failIps].sort((a, b) => b[1] - a[1]).slice(0, 5);
        const surgeEvidence = { kind: burst ? 'burst' : 'slow', failures: ew.fail, requests: ew.n, failShare: r3(failShare), distinctFailingIps: ew.failIps.size, topFailingIps: topIps, ...(slow ? { lastHourFailures: Math.round(recentFailures), lastHourFailingIps: recentIps } : {}) };
        const participants = new Map<string, { fails: number; throttled: number }>();
        for (const [ip, fails] of ew.failIps) participants.set(ip, { fails, throttled: ew.throttledIps.get(ip) ?? 0 });
        // Throttled attempts (429) during the surge are attempts too.
        for (const [ip, n] of ew.throttledIps) if (!participants.has(ip)) participants.set(ip, { fails: 0, throttled: n });
        for (const [ip, { fails, throttled }] of participants) {
          const prof = state.profiles[actorKey('ip', ip)];
          // An address with an authenticated history (office, carrier NAT) and a typo or two is a user, not the bot.
          // So is an address whose window did not start with the login and that also acts for an account.
          const w = window.actors.get(actorKey('ip', ip));
          const established = (prof !== undefined && prof.fs < window.start - 3600_000 && prof.prs.length > 0 && prof.scen === null)
            || (w !== undefined && w.firstTpl !== ew.key && w.prs.size > 0);
          if (established && fails + throttled <= t.establishedMaxFailures) continue;
          stuffingIps.set(ip, ew.key);
          out.push({
            detector: 'credential_stuffing', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: ew.domain,
            confidence: Math.min(1, 0.65 + 0.1 * (fails + throttled)),
            evidence: {
              endpoint: ew.key, ipFailures: fails, ipThrottled: throttled, surge: surgeEvidence,
              baseline, samples: window.actors.get(actorKey('ip', ip))?.tpls.get(ew.key)?.samples,
            },
          });
        }
        // Slow stuffing: addresses that failed earlier in the hour (before the surge was visible) join the cluster.
        if (slow && base?.rf) {
          for (const ip of base.rf.ips) {
            if (participants.has(ip)) continue;
            const prof = state.profiles[actorKey('ip', ip)];
            if (!prof || prof.scen === 'credential_stuffing' || prof.prs.length > 0) continue;
            stuffingIps.set(ip, ew.key);
            out.push({
              detector: 'credential_stuffing', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: ew.domain, confidence: 0.7,
              evidence: { kind: 'earlier_in_slow_surge', endpoint: ew.key, note: 'failed on this endpoint within the last hour of a slow surge', surge: surgeEvidence, baseline },
            });
          }
        }
        // Logins that succeeded during the surge from addresses never seen before: only suspect (not flagged by
        // themselves); an account then acting from there for the first time is the takeover below.
        // (The address must start with the login: a user already browsing from there merely refreshed a token.)
        for (const ip of ew.okIps) {
          if (participants.has(ip) || state.profiles[actorKey('ip', ip)] !== undefined) continue;
          if (window.actors.get(actorKey('ip', ip))?.firstTpl === ew.key) freshOk.set(ip, ew.key);
        }
      } else {
        for (const [ip, fails] of ew.failIps) {
          if (fails < t.bruteForceFailures || fails / Math.max(1, window.actors.get(actorKey('ip', ip))?.tpls.get(ew.key)?.n ?? 1) < t.minFailShare) continue;
          stuffingIps.set(ip, ew.key);
          out.push({
            detector: 'credential_stuffing', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: ew.domain, confidence: 1,
            evidence: { kind: 'brute_force', endpoint: ew.key, ipFailures: fails, baseline, samples: window.actors.get(actorKey('ip', ip))?.tpls.get(ew.key)?.samples },
          });
        }
      }
    }
    // Takeover follow-on: an account acting from an address of the stuffing cluster (this window or recently
    // flagged for it) that it had never used before.
    for (const a of window.actors.values()) {
      if (a.type !== 'principal') continue;
      const prof = state.profiles[a.key];
      for (const ip of a.ips) {
        let via = stuffingIps.get(ip);
        let successOnly = false;
        if (!via) { const ipProf = state.profiles[actorKey('ip', ip)]; if (ipProf && ipProf.scen === 'credential_stuffing' && ipProf.flagged >= window.start) via = 'recent stuffing flag'; }
        if (!via && freshOk.has(ip)) {
          // A login that merely succeeded during the surge: only with a client the account never used
          // (bots cycle user agents; a returning user keeps theirs, a brand-new one has just one).
          const uaKnown = prof !== undefined && prof.uas.some((ua) => a.uas.has(ua));
          if (!uaKnown && (prof !== undefined || a.uas.size >= 2)) { via = freshOk.get(ip)!; successOnly = true; }
        }
        if (!via) continue;
        if (prof !== undefined && prof.ips.includes(ip)) continue;
        out.push({
          detector: 'credential_stuffing', scenario: 'credential_stuffing', actor: a.key, domain: a.domain, confidence: 0.9,
          evidence: { kind: 'account_takeover', fromIp: ip, ipSeenIn: successOnly ? `login succeeded during the surge on ${via} from a never-seen address` : via, requests: a.n, samples: a.samples },
          related: [actorKey('ip', ip)],
        });
        if (successOnly) {
          out.push({
            detector: 'credential_stuffing', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: a.domain, confidence: 0.8,
            evidence: { kind: 'takeover_origin', endpoint: via, account: a.id, note: 'never-seen address logged in during a stuffing surge, then used an account it had never used' },
            related: [a.key],
          });
        }
        break;
      }
    }
    return out;
  },
};
