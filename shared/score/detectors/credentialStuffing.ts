import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import type { Finding } from '../types.ts';
import { actorKey } from '../window.ts';

/** Paths that take credentials (login, token, session, password) in most APIs. */
export const AUTH_PATH = /(^|\/|_|-)(login|log-in|signin|sign-in|sign_in|token|tokens|oauth2?|authenticate|auth|session|sessions|password|credentials?)(\/|$|\.|_|-)/i;

export const credentialStuffing: Detector<{
  minFailures: number; surgeRatio: number; minDistinctIps: number; minFailShare: number; bruteForceFailures: number;
  establishedMaxFailures: number;
}> = {
  definition: {
    id: 'credential_stuffing',
    role: 'primary',
    description: 'Surge of 401/403 answers on a credential-taking endpoint far above its own baseline, spread over rotating IPs (stuffing) or concentrated on one IP (brute force); accounts that then act from those IPs are flagged as taken over.',
    scenario: 'credential_stuffing',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:bruteforce', mitre: 'T1110.004', confidence: 'high' },
    weight: 85,
    thresholds: { minFailures: 25, surgeRatio: 8, minDistinctIps: 8, minFailShare: 0.5, bruteForceFailures: 30, establishedMaxFailures: 2 },
  },
  detect({ window, state, resolver }, t) {
    const out: Finding[] = [];
    const stuffingIps = new Map<string, string>();
    for (const ew of window.endpoints.values()) {
      if (ew.fail < Math.min(t.minFailures, t.bruteForceFailures)) continue;
      const info = resolver.endpointInfo(ew.domain, ew.method, ew.template);
      const unauthShare = info && info.requestCount > 0 ? info.unauthRequests / info.requestCount : ew.unauth / ew.n;
      const authLike = AUTH_PATH.test(ew.template) || (ew.method === 'POST' && unauthShare >= 0.8);
      if (!authLike) continue;
      const base = state.endpoints[ew.key];
      const baseFail = base && base.w >= 12 ? base.fail : 0;
      const failShare = ew.fail / ew.n;
      const surge = ew.fail >= t.minFailures && ew.fail >= t.surgeRatio * (baseFail + 1) && ew.failIps.size >= t.minDistinctIps && failShare >= t.minFailShare;
      const baseline = { failuresPerWindow: r3(baseFail), windowsLearned: base?.w ?? 0 };
      if (surge) {
        const topIps = [...ew.failIps].sort((a, b) => b[1] - a[1]).slice(0, 5);
        for (const [ip, fails] of ew.failIps) {
          const prof = state.profiles[actorKey('ip', ip)];
          // An address with an authenticated history (office, carrier NAT) and a typo or two is a user, not the bot.
          const established = prof !== undefined && prof.fs < window.start - 3600_000 && prof.prs.length > 0 && prof.scen === null;
          if (established && fails <= t.establishedMaxFailures) continue;
          stuffingIps.set(ip, ew.key);
          out.push({
            detector: 'credential_stuffing', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: ew.domain,
            confidence: Math.min(1, 0.65 + 0.1 * fails),
            evidence: {
              endpoint: ew.key, ipFailures: fails, surge: { failures: ew.fail, requests: ew.n, failShare: r3(failShare), distinctFailingIps: ew.failIps.size, topFailingIps: topIps },
              baseline, samples: window.actors.get(actorKey('ip', ip))?.tpls.get(ew.key)?.samples,
            },
          });
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
        if (!via) { const ipProf = state.profiles[actorKey('ip', ip)]; if (ipProf && ipProf.scen === 'credential_stuffing' && ipProf.flagged >= window.start) via = 'recent stuffing flag'; }
        if (!via) continue;
        const knownBefore = prof !== undefined && prof.ips.includes(ip);
        if (knownBefore) continue;
        out.push({
          detector: 'credential_stuffing', scenario: 'credential_stuffing', actor: a.key, domain: [...a.domains.keys()][0], confidence: 0.9,
          evidence: { kind: 'account_takeover', fromIp: ip, ipFlaggedFor: via, requests: a.n, samples: a.samples },
          related: [actorKey('ip', ip)],
        });
        break;
      }
    }
    return out;
  },
};
