import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { histQuantile } from '../baselines.ts';
import type { Finding } from '../types.ts';

export const volumeSpike: Detector<{ minRequests: number; populationMultiple: number; selfMultiple: number; minThrottledShare: number; extremeMultiple: number; max5xxShare: number; minSelfWindows: number }> = {
  definition: {
    id: 'volume_spike',
    role: 'primary',
    description: 'One caller sends far more requests in a window than any normal caller (population p99 of per-caller windows) and than its own learned rate, and is throttled (429) or extreme. Upstream incidents (5xx retries) do not count.',
    scenario: 'traffic_spike',
    owasp: 'API4:2023 Unrestricted Resource Consumption',
    labels: { behaviour: 'http:dos', mitre: 'T1498', confidence: 'high' },
    weight: 85,
    thresholds: { minRequests: 300, populationMultiple: 10, selfMultiple: 8, minThrottledShare: 0.1, extremeMultiple: 50, max5xxShare: 0.2, minSelfWindows: 6 },
  },
  detect({ window, state }, t) {
    const out: Finding[] = [];
    const p99 = Math.max(1, histQuantile(state.population.ipHist, 0.99));
    for (const a of window.actors.values()) {
      if (a.n < t.minRequests || a.n < t.populationMultiple * p99) continue;
      if (a.e5 / a.n > t.max5xxShare) continue;
      const p = state.profiles[a.key];
      const own = p && p.rateN >= t.minSelfWindows ? p.rate : null;
      if (own !== null && a.n < t.selfMultiple * own) continue;
      const throttled = a.e429 / a.n;
      if (throttled < t.minThrottledShare && a.n < t.extremeMultiple * p99) continue;
      const perEndpoint = [...a.tpls.values()].sort((x, y) => y.n - x.n).slice(0, 3).map((u) => ({
        endpoint: u.key, requests: u.n, endpointBaselinePerWindow: r3(state.endpoints[u.key]?.n ?? 0),
      }));
      out.push({
        detector: 'volume_spike', scenario: 'traffic_spike', actor: a.key, domain: [...a.domains.keys()][0], confidence: 1,
        evidence: {
          requests: a.n, throttled429: a.e429, throttledShare: r3(throttled), perEndpoint,
          baseline: { populationP99PerWindow: p99, ownRatePerWindow: own === null ? 'no history' : r3(own) }, samples: a.samples,
        },
      });
    }
    return out;
  },
};
