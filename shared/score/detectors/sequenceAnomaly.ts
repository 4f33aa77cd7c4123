import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { shrunkRate } from '../baselines.ts';
import { ACC_HALF_LIFE_MS } from '../state.ts';
import type { Finding } from '../types.ts';

type T = {
  minCalls: number; minWindowCalls: number; minNewIdShare: number; maxBaselineNewIdShare: number; minSurpriseBits: number; priorStrength: number; priorRate: number;
  minUsualPredecessorShare: number; maxUsualPredecessorShare: number; minLearnedCalls: number;
  baseConfidence: number; bitsPerConfidence: number; refusedShareBoost: number; refusedBoost: number;
};

/**
 * Learned per endpoint from principals that were not flagged: how often a state-changing call (POST/PUT/
 * PATCH/DELETE on `{id}`) targets an id the caller never used before (created or fetched), and which
 * endpoints usually precede it. A caller that repeatedly acts on ids it never saw, without the steps that
 * normally come first, skipped the flow (confirming payments it never created or looked up). The answers do
 * not matter: in a vulnerable API every such call succeeds; refusals only raise confidence.
 */
export const sequenceAnomaly: Detector<T> = {
  definition: {
    id: 'sequence_anomaly',
    role: 'primary',
    originPropagation: true,
    description: 'A principal repeatedly calls a state-changing endpoint on ids it never created or fetched, skipping the steps that normally precede it (learned transition model and id-continuity rate per endpoint), whether or not the API refuses.',
    scenario: 'sequence_anomaly',
    owasp: 'API6:2023 Unrestricted Access to Sensitive Business Flows',
    labels: { behaviour: 'http:business-logic', mitre: 'T1565', confidence: 'medium' },
    weight: 90,
    perWindow: ['minWindowCalls'],
    thresholds: {
      minCalls: 8, minWindowCalls: 2, minNewIdShare: 0.8, maxBaselineNewIdShare: 0.6, minSurpriseBits: 20, priorStrength: 20, priorRate: 0.5, minLearnedCalls: 20,
      minUsualPredecessorShare: 0.3, maxUsualPredecessorShare: 0.5, baseConfidence: 0.85, bitsPerConfidence: 100, refusedShareBoost: 0.25, refusedBoost: 0.1,
    },
  },
  detect({ window, state }, t) {
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.type !== 'principal') continue;
      for (const u of a.tpls.values()) {
        if (!isStateChanging(u.method) || u.newIds < t.minWindowCalls) continue;
        // This window plus the last hours (decayed): a slow attacker confirming a few ids per window adds up.
        const acc = a.prof?.acc;
        const f = acc ? Math.pow(0.5, Math.max(0, window.end - acc.ts) / ACC_HALF_LIFE_MS) : 0;
        const calls = u.n + f * (acc?.wIdReq ?? 0), onNew = u.newIds + f * (acc?.wIdNew ?? 0);
        if (onNew < t.minCalls || onNew / calls < t.minNewIdShare || u.newIds / u.n < t.minNewIdShare) continue;
        const base = state.endpoints[u.key];
        // Only a learned model can be skipped: the endpoint's callers normally act on ids they know.
        if (!base || base.idReq < t.minLearnedCalls) continue;
        const p = shrunkRate(base.idNew, base.idReq, t.priorRate, t.priorStrength);
        if (p > t.maxBaselineNewIdShare) continue;
        // Bits of surprise: -log2 P(k of n calls on unseen ids | learned rate p).
        const bits = -(onNew * Math.log2(p) + (calls - onNew) * Math.log2(1 - p));
        if (bits < t.minSurpriseBits) continue;
        // The learned order: how often the caller came from one of the endpoint's usual predecessors
        // (those holding most of the learned transitions). Callers who follow the flow but act on ids they
        // never saw (a shared or support queue) arrive the usual way.
        const usualSet = usualPredecessors(base.prev, t.minUsualPredecessorShare);
        let fromUsual = 0, prevTotal = 0;
        for (const [k, c] of u.prevs) { prevTotal += c; if (usualSet.has(k)) fromUsual += c; }
        const usualShare = u.n ? fromUsual / u.n : 0;
        if (usualSet.size && usualShare > t.maxUsualPredecessorShare) continue;
        const refused = u.e4 / u.n;
        const usual = Object.entries(base.prev).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([k, c]) => ({ endpoint: k, count: Math.round(c) }));
        const seen = [...u.prevs].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([k, c]) => ({ endpoint: k, count: c }));
        out.push({
          detector: 'sequence_anomaly', scenario: 'sequence_anomaly', actor: a.key, domain: u.domain,
          confidence: Math.min(1, t.baseConfidence + bits / t.bitsPerConfidence + (refused >= t.refusedShareBoost ? t.refusedBoost : 0)),
          evidence: {
            endpoint: u.key, calls: u.n, onIdsNeverSeenByCaller: u.newIds, recentCalls: Math.round(calls), recentOnIdsNeverSeen: Math.round(onNew), refused: u.e4, surpriseBits: Math.round(bits),
            precededBy: seen.length ? seen : 'nothing (called directly)', fromUsualPredecessorShare: r3(usualShare), transitionsSeen: prevTotal,
            baseline: { unseenIdShare: r3(p), learnedFrom: Math.round(base.idReq), usualPredecessors: usual }, samples: u.samples,
          },
        });
      }
    }
    return out;
  },
};

/** Predecessors that each hold at least `minShare` of the endpoint's learned transitions. */
function usualPredecessors(prev: Record<string, number>, minShare: number): Set<string> {
  let total = 0;
  for (const k in prev) total += prev[k];
  const out = new Set<string>();
  for (const k in prev) if (prev[k] >= minShare * total) out.add(k);
  return out;
}

/** Calls that change state: what a business flow's later steps are. */
export function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}
