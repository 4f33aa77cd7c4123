import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { histQuantile } from '../baselines.ts';
import { accWithWindow, ACC_HALF_LIFE_MS } from '../state.ts';
import type { Finding } from '../types.ts';

/** Steady-state decayed count for one request per window of `windowMs`: acc.n / this = recent requests per window. */
const accWindows = (windowMs: number) => ACC_HALF_LIFE_MS / windowMs / Math.LN2;

export const volumeSpike: Detector<{
  minRequests: number; populationMultiple: number; selfMultiple: number; minThrottledShare: number; extremeMultiple: number; max5xxShare: number; minSelfWindows: number;
  rampMultiple: number; rampMinWindows: number; rampMinRequests: number; minJobDistinctShare: number; populationQuantile: number; rampConfidence: number;
}> = {
  definition: {
    id: 'volume_spike',
    role: 'primary',
    description: 'One caller sends far more requests in a window than any normal caller (population p99 of per-caller windows) and than its own learned rate, and is throttled (429), or is a known caller at an extreme volume. Upstream incidents (5xx retries) do not count. Slow ramps: a caller with a week of history whose window and recent (2 h) rate are both several times the rate it learned (which may rise only 0.5 %/day).',
    scenario: 'traffic_spike',
    owasp: 'API4:2023 Unrestricted Resource Consumption',
    labels: { behaviour: 'http:dos', mitre: 'T1498', confidence: 'high' },
    weight: 90,
    perWindow: ['minRequests', 'rampMinRequests'],
    windowSpans: ['minSelfWindows', 'rampMinWindows'],
    thresholds: { minRequests: 300, populationMultiple: 10, selfMultiple: 8, minThrottledShare: 0.1, extremeMultiple: 50, max5xxShare: 0.2, minSelfWindows: 6, rampMultiple: 3, rampMinWindows: 2016, rampMinRequests: 30, minJobDistinctShare: 0.7, populationQuantile: 0.99, rampConfidence: 0.9 },
  },
  detect({ window, state }, t) {
    const out: Finding[] = [];
    const p99 = Math.max(1, histQuantile(state.population.ipHist, t.populationQuantile));
    const rampT = { ...t, windowMs: window.end - window.start };
    for (const a of window.actors.values()) {
      if (a.type === 'api_key') continue;
      const ramp = slowRamp(a, state.profiles[a.key], window.end, rampT);
      if (ramp) { out.push(ramp); continue; }
      if (a.n < t.minRequests || a.n < t.populationMultiple * p99) continue;
      if (a.e5 / a.n > t.max5xxShare) continue;
      // An identified client (account or API key) fetching mostly distinct objects is a job paging through data
      // (a nightly export meeting its throttle), not a flood, which repeats the same few requests.
      if ((a.type === 'principal' || a.keys.size > 0 || a.prs.size > 0) && distinctShare(a) >= t.minJobDistinctShare) continue;
      const p = state.profiles[a.key];
      const own = p && p.rateN >= t.minSelfWindows ? p.rate : null;
      if (own !== null && a.n < t.selfMultiple * own) continue;
      const throttled = a.e429 / a.n;
      // Without throttling, only a known caller exploding far past its own rate counts: a never-seen caller
      // sending a large clean batch (a nightly job's first run) is not an attack by volume alone.
      if (throttled < t.minThrottledShare && (a.n < t.extremeMultiple * p99 || own === null)) continue;
      const perEndpoint = [...a.tpls.values()].sort((x, y) => y.n - x.n).slice(0, 3).map((u) => ({
        endpoint: u.key, requests: u.n, endpointBaselinePerWindow: r3(state.endpoints[u.key]?.n ?? 0),
      }));
      out.push({
        detector: 'volume_spike', scenario: 'traffic_spike', actor: a.key, domain: a.domain, confidence: 1,
        evidence: {
          requests: a.n, throttled429: a.e429, throttledShare: r3(throttled), perEndpoint,
          baseline: { populationP99PerWindow: p99, ownRatePerWindow: own === null ? 'no history' : r3(own) }, samples: a.samples,
        },
      });
    }
    return out;
  },
};

function slowRamp(
  a: Parameters<typeof accWithWindow>[1] & { key: string; domain: string; samples: readonly string[] },
  p: Parameters<typeof accWithWindow>[0],
  end: number,
  t: { rampMultiple: number; rampMinWindows: number; rampMinRequests: number; rampConfidence: number; windowMs: number },
): Finding | null {
  if (!p || p.rateN < t.rampMinWindows || a.n < t.rampMinRequests || a.n < t.rampMultiple * p.rate) return null;
  const recent = accWithWindow(p, a, 0, end).n / accWindows(t.windowMs);
  if (recent < t.rampMultiple * p.rate) return null;
  return {
    detector: 'volume_spike', scenario: 'traffic_spike', actor: a.key, domain: a.domain, confidence: t.rampConfidence,
    evidence: {
      kind: 'slow_ramp', requests: a.n, recentPerWindow: r3(recent), baseline: { ownRatePerWindow: r3(p.rate), learnedOverWindows: p.rateN, maxDailyGrowth: '0.5%' },
      samples: a.samples,
    },
  };
}

/** Share of an actor's requests that named an object it had not asked for earlier in the window. */
function distinctShare(a: { n: number; tpls: ReadonlyMap<string, { distinctIds: number }> }): number {
  let d = 0;
  for (const u of a.tpls.values()) d += u.distinctIds;
  return d / a.n;
}
