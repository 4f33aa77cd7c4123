import type { Detector } from '../detector.ts';
import { RECENT_FAIL_HALF_LIFE_MS } from '../state.ts';
import type { Finding } from '../types.ts';
import { actorKey } from '../window.ts';
import { baselineEvidence, isCredentialEndpoint, isUserAddress, learnedFailures, participants, surgeSummary, type AddressThresholds, type CredentialEndpointThresholds } from './credentialSurge.ts';

type T = CredentialEndpointThresholds & AddressThresholds & {
  minWindowFailures: number; minWindowFailShare: number; minHourFailures: number; surgeRatio: number; minHourIps: number; maxCountedPerIp: number;
  windowsPerHour: number; maxWindowShareOfHour: number; maxFailuresBeforeSuccess: number; maxUserAddressFailures: number; minEarlierFailures: number; minEarlierFailShare: number; baseConfidence: number; confidencePerAttempt: number; earlierConfidence: number;
};

/**
 * Stuffing kept below any per-window alarm: the last hour (decayed, `EndpointBaseline.rf`) rather than one
 * window, against an hour of the learned baseline. Only spread failures count: each address adds at most
 * `maxCountedPerIp` to the hour, so one brute-forcing address plus a few typos is not a slow surge.
 */
export const credentialStuffingSlow: Detector<T> = {
  definition: {
    id: 'credential_stuffing_slow',
    role: 'primary',
    description: 'Rejected logins on a credential endpoint that surge over the last hour (not in any one window) from many addresses with a few attempts each; the addresses failing now and those that failed earlier in the hour are flagged. An address that logs in right after a few failures is a user who mistyped.',
    scenario: 'credential_stuffing',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:bruteforce', mitre: 'T1110.004', confidence: 'high' },
    weight: 90,
    perWindow: ['minWindowFailures'],
    windowSpans: ['minBaselineWindows', 'windowsPerHour'],
    thresholds: {
      minWindowFailures: 3, minWindowFailShare: 0.3, minHourFailures: 50, surgeRatio: 8, minHourIps: 16, maxCountedPerIp: 5, windowsPerHour: 12, maxWindowShareOfHour: 0.5,
      maxFailuresBeforeSuccess: 3, maxUserAddressFailures: 8, minEarlierFailures: 2, minEarlierFailShare: 0.9, credentialAnonShare: 0.8, minBaselineWindows: 12, establishedMinAgeMs: 3600_000, establishedMaxFailures: 2,
      baseConfidence: 0.75, confidencePerAttempt: 0.1, earlierConfidence: 0.8,
    },
  },
  detect({ window, state, resolver }, t) {
    const out: Finding[] = [];
    for (const ew of window.endpoints.values()) {
      if (ew.fail < t.minWindowFailures || ew.fail / ew.n < t.minWindowFailShare) continue;
      const base = state.endpoints[ew.key];
      if (!base?.rf || base.w < t.minBaselineWindows || !isCredentialEndpoint(ew, resolver, t)) continue;
      // The hour's failing addresses, each counted at most maxCountedPerIp times (from its own recent 4xx).
      const ips = new Set(base.rf.ips);
      for (const ip of ew.failIps.keys()) ips.add(ip);
      if (ips.size < t.minHourIps) continue;
      let spread = 0;
      let counted = 0;
      for (const ip of ips) {
        const prof = state.profiles[actorKey('ip', ip)];
        // Users' addresses (an authenticated history) mistyping or resetting a password are not the surge.
        if (prof !== undefined && prof.prs.length > 0) continue;
        counted++;
        spread += Math.min(t.maxCountedPerIp, Math.max(1, (prof?.acc.e4 ?? 0) + (ew.failIps.get(ip) ?? 0)));
      }
      if (counted < t.minHourIps) continue;
      const decayed = base.rf.n * Math.pow(0.5, (window.end - base.rf.ts) / RECENT_FAIL_HALF_LIFE_MS) + ew.fail;
      const hourFailures = Math.min(decayed, spread);
      // Most of the hour in this one window is a burst (credential_stuffing_burst's part), not a slow surge.
      if (ew.fail > t.maxWindowShareOfHour * hourFailures) continue;
      if (hourFailures < t.minHourFailures || hourFailures < t.surgeRatio * (t.windowsPerHour * learnedFailures(base, t) + 1)) continue;
      const surge = surgeSummary(ew, 'slow', { lastHourFailures: Math.round(hourFailures), lastHourFailingIps: counted });
      const baseline = baselineEvidence(base, t);
      const parts = participants(ew);
      for (const [ip, { fails, throttled }] of parts) {
        if (fails + throttled <= t.maxUserAddressFailures && isUserAddress(ip, ew, window, state, t)) continue;
        // Failed a few times, then got in: a user who mistyped (a bot that got in is caught by account_takeover).
        if (ew.okIps.has(ip) && fails <= t.maxFailuresBeforeSuccess) continue;
        out.push({
          detector: 'credential_stuffing_slow', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: ew.domain,
          confidence: Math.min(1, t.baseConfidence + t.confidencePerAttempt * (fails + throttled)),
          evidence: { endpoint: ew.key, ipFailures: fails, ipThrottled: throttled, surge, baseline, samples: window.actors.get(actorKey('ip', ip))?.tpls.get(ew.key)?.samples },
        });
      }
      // Addresses that failed earlier in the hour, before the surge was visible, join it (not users, not flagged yet).
      for (const ip of base.rf.ips) {
        if (parts.has(ip)) continue;
        const prof = state.profiles[actorKey('ip', ip)];
        // Only addresses that did nothing but fail, more than once (one failed login is anybody's).
        if (!prof || prof.scen === 'credential_stuffing' || prof.prs.length > 0 || prof.acc.e4 < t.minEarlierFailures || prof.acc.e4 < t.minEarlierFailShare * prof.acc.n) continue;
        out.push({
          detector: 'credential_stuffing_slow', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: ew.domain, confidence: t.earlierConfidence,
          evidence: { kind: 'earlier_in_slow_surge', endpoint: ew.key, note: 'failed on this endpoint within the last hour of a slow surge', surge, baseline },
        });
      }
    }
    return out;
  },
};
