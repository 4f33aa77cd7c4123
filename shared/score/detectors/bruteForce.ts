import type { Detector } from '../detector.ts';
import { accWithWindow } from '../state.ts';
import type { Finding } from '../types.ts';
import { actorKey } from '../window.ts';
import { baselineEvidence, isCredentialEndpoint, type CredentialEndpointThresholds } from './credentialSurge.ts';

type T = CredentialEndpointThresholds & { minFailures: number; minWindowFailures: number; minFailShare: number; confidence: number };

/**
 * One address guessing passwords: many rejected logins, in one window or over the last hours (its decayed
 * 4xx), most of its attempts there failing. Typos and forgotten passwords stay far below.
 */
export const bruteForce: Detector<T> = {
  definition: {
    id: 'brute_force',
    role: 'primary',
    description: 'One address submits many rejected logins to a credential endpoint, in one window or accumulated over the last hours, with most of its attempts failing.',
    scenario: 'credential_stuffing',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:bruteforce', mitre: 'T1110.001', confidence: 'high' },
    weight: 90,
    perWindow: ['minWindowFailures'],
    windowSpans: ['minBaselineWindows'],
    thresholds: { minFailures: 30, minWindowFailures: 8, minFailShare: 0.5, credentialAnonShare: 0.8, minBaselineWindows: 12, confidence: 1 },
  },
  detect({ window, state, resolver }, t) {
    const out: Finding[] = [];
    for (const ew of window.endpoints.values()) {
      if (ew.fail < t.minWindowFailures || !isCredentialEndpoint(ew, resolver, t)) continue;
      for (const [ip, fails] of ew.failIps) {
        if (fails < t.minWindowFailures) continue;
        const a = window.actors.get(actorKey('ip', ip));
        const use = a?.tpls.get(ew.key);
        if (!a || !use || fails / use.n < t.minFailShare) continue;
        // Over the last hours: the address's decayed 4xx (its failed attempts) and their share of what it sent.
        const acc = accWithWindow(state.profiles[a.key], a, 0, window.end);
        if (fails < t.minFailures && (acc.e4 < t.minFailures || acc.e4 / acc.n < t.minFailShare)) continue;
        out.push({
          detector: 'brute_force', scenario: 'credential_stuffing', actor: a.key, domain: ew.domain, confidence: t.confidence,
          evidence: { kind: 'brute_force', endpoint: ew.key, ipFailures: fails, recentFailures: Math.round(acc.e4), baseline: baselineEvidence(state.endpoints[ew.key], t), samples: use.samples },
        });
      }
    }
    return out;
  },
};
