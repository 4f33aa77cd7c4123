import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { shrunkRate } from '../baselines.ts';
import type { Finding } from '../types.ts';

/**
 * Learned per endpoint from principals that were not flagged: how often a state-changing call (POST/PUT/
 * PATCH/DELETE on `{id}`) targets an id the caller never used before (created or fetched), and which
 * endpoints usually precede it. A caller that repeatedly acts on ids it never saw skipped the steps of the
 * flow (e.g. confirming payments it never created or looked up).
 */
export const sequenceAnomaly: Detector<{ minCalls: number; minNewIdShare: number; maxBaselineNewIdShare: number; minSurpriseBits: number; priorStrength: number; minErrorShare: number }> = {
  definition: {
    id: 'sequence_anomaly',
    role: 'primary',
    originPropagation: true,
    description: 'A principal repeatedly calls a state-changing endpoint on ids it never created or fetched, skipping the steps that normally precede it (learned transition model and id-continuity rate per endpoint).',
    scenario: 'sequence_anomaly',
    owasp: 'API6:2023 Unrestricted Access to Sensitive Business Flows',
    labels: { behaviour: 'http:business-logic', mitre: 'T1565', confidence: 'medium' },
    weight: 80,
    thresholds: { minCalls: 8, minNewIdShare: 0.8, maxBaselineNewIdShare: 0.6, minSurpriseBits: 14, priorStrength: 20, minErrorShare: 0.25 },
  },
  detect({ window, state }, t) {
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.type !== 'principal') continue;
      for (const u of a.tpls.values()) {
        if (u.method === 'GET' || u.method === 'HEAD' || u.method === 'OPTIONS' || u.n < t.minCalls || u.newIds < t.minCalls) continue;
        const newShare = u.newIds / u.n;
        // Skipped steps show in the answers (404 unknown id, 409 wrong state, 400): an agent legitimately acting
        // on many customers' records (support, back office) succeeds and is left alone.
        if (newShare < t.minNewIdShare || u.e4 / u.n < t.minErrorShare) continue;
        const base = state.endpoints[u.key];
        const p = shrunkRate(base?.idNew ?? 0, base?.idReq ?? 0, 0.5, t.priorStrength);
        if (p > t.maxBaselineNewIdShare) continue;
        // Bits of surprise: -log2 P(k of n calls on unseen ids | learned rate p).
        const bits = -(u.newIds * Math.log2(p) + (u.n - u.newIds) * Math.log2(1 - p));
        if (bits < t.minSurpriseBits) continue;
        const usual = Object.entries(base?.prev ?? {}).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([k, c]) => ({ endpoint: k, count: Math.round(c) }));
        const seen = [...u.prevs].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([k, c]) => ({ endpoint: k, count: c }));
        out.push({
          detector: 'sequence_anomaly', scenario: 'sequence_anomaly', actor: a.key, domain: u.domain,
          confidence: Math.min(1, 0.7 + bits / 100),
          evidence: {
            endpoint: u.key, calls: u.n, onIdsNeverSeenByCaller: u.newIds, refused: u.e4, surpriseBits: Math.round(bits),
            precededBy: seen.length ? seen : 'nothing (called directly)',
            baseline: { unseenIdShare: r3(p), learnedFrom: Math.round(base?.idReq ?? 0), usualPredecessors: usual }, samples: u.samples,
          },
        });
      }
    }
    return out;
  },
};
