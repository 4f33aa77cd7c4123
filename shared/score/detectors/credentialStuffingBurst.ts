import type { Detector } from '../detector.ts';
import type { Finding } from '../types.ts';
import { actorKey } from '../window.ts';
import { baselineEvidence, isCredentialEndpoint, isUserAddress, learnedFailures, participants, surgeSummary, type AddressThresholds, type CredentialEndpointThresholds } from './credentialSurge.ts';

type T = CredentialEndpointThresholds & AddressThresholds & {
  minFailures: number; surgeRatio: number; minDistinctIps: number; minFailShare: number; baseConfidence: number; confidencePerAttempt: number;
};

/** One window's surge of rejected logins on a credential endpoint, spread over rotating addresses. */
export const credentialStuffingBurst: Detector<T> = {
  definition: {
    id: 'credential_stuffing_burst',
    role: 'primary',
    description: 'Surge of rejected logins (401/403, 400/422 on the submission) on a credential-taking endpoint in one window, far above its learned failures, from many addresses: every address failing or throttled in the surge is flagged, except users\' addresses with a typo or two.',
    scenario: 'credential_stuffing',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:bruteforce', mitre: 'T1110.004', confidence: 'high' },
    weight: 90,
    perWindow: ['minFailures'],
    windowSpans: ['minBaselineWindows'],
    thresholds: {
      minFailures: 25, surgeRatio: 8, minDistinctIps: 8, minFailShare: 0.5, credentialAnonShare: 0.8, minBaselineWindows: 12,
      establishedMinAgeMs: 3600_000, establishedMaxFailures: 2, baseConfidence: 0.75, confidencePerAttempt: 0.1,
    },
  },
  detect({ window, state, resolver }, t) {
    const out: Finding[] = [];
    for (const ew of window.endpoints.values()) {
      if (ew.fail < t.minFailures || ew.failIps.size < t.minDistinctIps || ew.fail / ew.n < t.minFailShare) continue;
      if (!isCredentialEndpoint(ew, resolver, t)) continue;
      const base = state.endpoints[ew.key];
      if (ew.fail < t.surgeRatio * (learnedFailures(base, t) + 1)) continue;
      const surge = surgeSummary(ew, 'burst');
      const baseline = baselineEvidence(base, t);
      for (const [ip, { fails, throttled }] of participants(ew)) {
        if (fails + throttled <= t.establishedMaxFailures && isUserAddress(ip, ew, window, state, t)) continue;
        out.push({
          detector: 'credential_stuffing_burst', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: ew.domain,
          confidence: Math.min(1, t.baseConfidence + t.confidencePerAttempt * (fails + throttled)),
          evidence: { endpoint: ew.key, ipFailures: fails, ipThrottled: throttled, surge, baseline, samples: window.actors.get(actorKey('ip', ip))?.tpls.get(ew.key)?.samples },
        });
      }
    }
    return out;
  },
};
