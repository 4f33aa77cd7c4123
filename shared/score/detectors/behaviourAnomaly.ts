import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { robustStats, robustZ } from '../baselines.ts';
import type { Finding } from '../types.ts';
import type { ActorWindow } from '../window.ts';

/** Actor-window feature vector; names appear in evidence as attributions. */
export const FEATURES: Array<{ name: string; minScale: number; f: (a: ActorWindow) => number }> = [
  { name: 'log_requests', minScale: 0.5, f: (a) => Math.log1p(a.n) },
  { name: 'refused_share', minScale: 0.05, f: (a) => (a.e401 + a.e403 + a.e404) / a.n },
  { name: 'unmatched_share', minScale: 0.05, f: (a) => a.unmatched / a.n },
  { name: 'distinct_endpoints', minScale: 1, f: (a) => a.tpls.size },
  { name: 'new_id_share', minScale: 0.1, f: (a) => (a.idReq ? a.idNew / a.idReq : 0) },
  { name: 'log_bytes_per_request', minScale: 0.5, f: (a) => Math.log1p(a.bytes / a.n) },
  { name: 'throttled_share', minScale: 0.02, f: (a) => a.e429 / a.n },
  // Against the actor's own history (0 when it has too little): an hour it is never active at, endpoints it never used.
  { name: 'unusual_hour', minScale: 0.1, f: unusualHour },
  { name: 'new_endpoint_share', minScale: 0.1, f: newEndpointShare },
];

/** Requests an actor's profile needs before its own hours and endpoints say what is unusual for it. */
export const OWN_HISTORY_MIN_REQUESTS = 50;

function unusualHour(a: ActorWindow): number {
  const p = a.prof;
  if (!p || p.n < OWN_HISTORY_MIN_REQUESTS) return 0;
  let max = 0;
  for (const h of p.hours) if (h > max) max = h;
  return max ? 1 - p.hours[utcHour(a.first)] / max : 0;
}

/** `new Date(ms).getUTCHours()` without a Date per actor. */
function utcHour(ms: number): number {
  return ((Math.floor(Math.trunc(ms) / 3_600_000) % 24) + 24) % 24;
}

function newEndpointShare(a: ActorWindow): number {
  const p = a.prof;
  if (!p || p.n < OWN_HISTORY_MIN_REQUESTS) return 0;
  let fresh = 0;
  for (const u of a.tpls.values()) if (p.tpl[u.id] === undefined) fresh += u.n;
  return fresh / a.n;
}

export const behaviourAnomaly: Detector<{ minRequests: number; minZ: number; minFeatures: number; minPopulation: number; zAtFullConfidence: number; maxAttributions: number }> = {
  definition: {
    id: 'behaviour_anomaly',
    role: 'amplifier',
    description: 'Unsupervised: robust z-scores (median/MAD) of the actor-window feature vector (including how unusual the hour and the endpoints are for this actor) against all actors of the window; the features that stand out are the attribution. Adds weight and explanation to other detectors; never flags alone.',
    scenario: 'anomalous_behaviour',
    owasp: 'n/a (context)',
    labels: { behaviour: 'anomaly', confidence: 'low' },
    weight: 25,
    perWindow: ['minRequests'],
    thresholds: { minRequests: 5, minZ: 4, minFeatures: 2, minPopulation: 20, zAtFullConfidence: 10, maxAttributions: 4 },
  },
  detect({ window }, t) {
    const pop: ActorWindow[] = [];
    for (const a of window.actors.values()) if (a.type !== 'api_key' && a.n >= t.minRequests) pop.push(a);
    if (pop.length < t.minPopulation) return [];
    // Actor by actor (each actor's fields are read once), into one column per feature.
    const cols = FEATURES.map(() => new Float64Array(pop.length));
    for (let i = 0; i < pop.length; i++) for (let j = 0; j < FEATURES.length; j++) cols[j][i] = FEATURES[j].f(pop[i]);
    const stats = cols.map((c) => robustStats(c));
    const out: Finding[] = [];
    for (let i = 0; i < pop.length; i++) {
      const attributions: Array<{ feature: string; value: number; median: number; z: number }> = [];
      for (let j = 0; j < FEATURES.length; j++) {
        const z = robustZ(cols[j][i], stats[j].median, stats[j].mad, FEATURES[j].minScale);
        if (z >= t.minZ) attributions.push({ feature: FEATURES[j].name, value: r3(cols[j][i]), median: r3(stats[j].median), z: r3(z) });
      }
      if (attributions.length < t.minFeatures) continue;
      attributions.sort((x, y) => y.z - x.z);
      out.push({
        detector: 'behaviour_anomaly', scenario: 'anomalous_behaviour', actor: pop[i].key, domain: pop[i].domain,
        confidence: Math.min(1, attributions[0].z / t.zAtFullConfidence), evidence: { attributions: attributions.slice(0, t.maxAttributions), population: pop.length },
      });
    }
    return out;
  },
};
