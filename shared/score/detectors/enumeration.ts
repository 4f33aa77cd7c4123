import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import type { Finding } from '../types.ts';
import type { TemplateUse } from '../window.ts';

/** Share of consecutive numeric ids (in request order) that step by 1..3: an id walk. */
export function walkShare(nums: number[]): number {
  if (nums.length < 3) return 0;
  let steps = 0;
  for (let i = 1; i < nums.length; i++) { const d = Math.abs(nums[i] - nums[i - 1]); if (d >= 1 && d <= 3) steps++; }
  return steps / (nums.length - 1);
}

type T = {
  minDistinctIds: number; minErrorShare: number; minNewIdShare: number; minErrorRatioVsEndpoint: number; minBaselineRequests: number;
  baseConfidence: number; walkConfidence: number; highRefusedShare: number; highRefusedBoost: number;
};

export const enumeration: Detector<T> = {
  definition: {
    id: 'enumeration',
    role: 'primary',
    description: 'One actor walks many distinct ids of one endpoint (often sequential), ids it never used before, and is mostly refused (403/404/401): probing for objects it does not own (BOLA/IDOR).',
    scenario: 'bola_enumeration',
    owasp: 'API1:2023 Broken Object Level Authorization',
    labels: { behaviour: 'http:enumeration', mitre: 'T1087', confidence: 'high' },
    weight: 90,
    perWindow: ['minDistinctIds'],
    thresholds: { minDistinctIds: 30, minErrorShare: 0.3, minNewIdShare: 0.7, minErrorRatioVsEndpoint: 3, minBaselineRequests: 200, baseConfidence: 0.85, walkConfidence: 0.15, highRefusedShare: 0.6, highRefusedBoost: 0.1 },
  },
  detect({ window, state }, t) {
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.n < t.minDistinctIds) continue;
      for (const u of a.tpls.values()) {
        if (u.distinctIds < t.minDistinctIds) continue;
        const refused = u.e401 + u.e403 + u.e404;
        const errShare = refused / u.n;
        const newShare = u.newIds / u.n;
        if (errShare < t.minErrorShare || newShare < t.minNewIdShare) continue;
        const base = state.endpoints[u.key];
        const baseErr = base && base.tot >= t.minBaselineRequests ? base.e4 / base.tot : null;
        if (baseErr !== null && errShare < t.minErrorRatioVsEndpoint * baseErr) continue;
        const walk = walkShare(u.nums);
        out.push(finding(a.key, u, errShare, newShare, walk, baseErr, t));
      }
    }
    return out;
  },
};

function finding(actor: string, u: TemplateUse, errShare: number, newShare: number, walk: number, baseErr: number | null, t: T): Finding {
  const nums = u.nums.length ? { first: u.nums[0], last: u.nums[u.nums.length - 1], sequentialStepShare: r3(walk) } : undefined;
  return {
    detector: 'enumeration', scenario: 'bola_enumeration', actor, domain: u.domain,
    confidence: Math.min(1, t.baseConfidence + t.walkConfidence * walk + (errShare > t.highRefusedShare ? t.highRefusedBoost : 0)),
    evidence: {
      endpoint: u.key, requests: u.n, distinctIds: u.distinctIds, newIdShare: r3(newShare),
      status: { ok: u.ok, '401': u.e401, '403': u.e403, '404': u.e404 }, refusedShare: r3(errShare), idRange: nums,
      baseline: { endpoint4xxShare: baseErr === null ? 'not learned yet' : r3(baseErr) }, samples: u.samples,
    },
  };
}
