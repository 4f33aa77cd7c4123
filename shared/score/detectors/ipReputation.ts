import type { Detector } from '../detector.ts';
import type { Finding } from '../types.ts';

type T = { denyConfidence: number; torConfidence: number; proxyConfidence: number; datacenterConfidence: number };

export const ipReputationDetector: Detector<T> = {
  definition: {
    id: 'ip_reputation',
    role: 'amplifier',
    description: 'The caller address is on an operator list (deny, Tor exit, proxy) or in a hosting/cloud range. Adds weight to an actor another detector fired on; never flags alone. Allow-listed addresses are suppressed entirely.',
    scenario: 'anomalous_behaviour',
    owasp: 'n/a (context)',
    labels: { behaviour: 'ip:reputation', confidence: 'low' },
    weight: 30,
    thresholds: { denyConfidence: 1, torConfidence: 0.8, proxyConfidence: 0.6, datacenterConfidence: 0.35 },
  },
  detect({ window, reputation }, t) {
    const conf: Record<string, number> = { deny: t.denyConfidence, tor: t.torConfidence, proxy: t.proxyConfidence, datacenter: t.datacenterConfidence };
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.type !== 'ip') continue;
      const label = reputation.labelOf(a.id);
      if (!label || conf[label] === undefined) continue;
      out.push({ detector: 'ip_reputation', scenario: 'anomalous_behaviour', actor: a.key, domain: a.domain, confidence: conf[label], evidence: { list: label } });
    }
    return out;
  },
};
