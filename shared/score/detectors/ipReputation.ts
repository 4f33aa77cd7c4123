import type { Detector } from '../detector.ts';
import type { Finding } from '../types.ts';

const CONF: Record<string, number> = { deny: 1, tor: 0.8, proxy: 0.6, datacenter: 0.35 };

export const ipReputationDetector: Detector<Record<string, number>> = {
  definition: {
    id: 'ip_reputation',
    role: 'amplifier',
    description: 'The caller address is on an operator list (deny, Tor exit, proxy) or in a hosting/cloud range. Adds weight to an actor another detector fired on; never flags alone. Allow-listed addresses are suppressed entirely.',
    scenario: 'anomalous_behaviour',
    owasp: 'n/a (context)',
    labels: { behaviour: 'ip:reputation', confidence: 'low' },
    weight: 30,
    thresholds: {},
  },
  detect({ window, reputation }) {
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.type !== 'ip') continue;
      const label = reputation.labelOf(a.id);
      if (!label || CONF[label] === undefined) continue;
      out.push({ detector: 'ip_reputation', scenario: 'anomalous_behaviour', actor: a.key, domain: a.domain, confidence: CONF[label], evidence: { list: label } });
    }
    return out;
  },
};
