import type { Check, Finding } from '../types.ts';
import { capRecord, pruneDue, is5xx, percentile } from '../util.ts';
import { alphaFor, windowsFor } from '../../engine/windowScale.ts';

interface LatencyBaseline { p50: number; windows: number; regressed: boolean; regressedWindows: number; lastTs: number }
export interface LatencyRegressionState { endpoints: Record<string, LatencyBaseline> }

/** Window counts are 5-minute spans (6: half an hour); a window of another length keeps the spans (windowScale.ts). */
const thresholds = {
  /** Requests with a latency the endpoint needs in a window to be judged. */
  minRequests: 10,
  /** Normal windows needed before the baseline is trusted. */
  minBaselineWindows: 6,
  /** Window median latency must be this many times the baseline median... */
  factor: 3,
  /** ...and at least this many milliseconds slower. */
  minDeltaMs: 250,
  baselineAlpha: 0.1,
  /** Judged windows of continuous regression after which the slower level becomes the baseline (288 x 5 min = 1 day). */
  relearnAfterWindows: 288,
  domainFanout: 5,
  maxEndpoints: 20_000,
};

/**
 * The median integration latency of an endpoint rises several times above its own baseline. While the
 * regression lasts the baseline is frozen, so a regression that is never fixed stays open.
 */
export const latencyRegression: Check<LatencyRegressionState, typeof thresholds> = {
  definition: {
    id: 'latency_regression',
    title: 'Latency regression',
    owasp: 'API4:2023',
    severity: 'low',
    fix: 'Compare with the deploys and dependency changes around the first-seen time; profile the integration. Set an integration timeout and a usage plan / throttling so slow requests cannot pile up and exhaust concurrency.',
    evidence: 'window median and p95 integration latency, baseline median, requests',
    thresholds,
    /** Incident-like: an hour back at normal latency ends the regression. */
    resolveAfterMs: 3_600_000,
  },
  initialState: () => ({ endpoints: {} }),
  evaluate(win, state, t) {
    const found: Finding[] = [];
    const windowMs = win.windowEnd - win.windowStart;
    const minBaselineWindows = windowsFor(t.minBaselineWindows, windowMs), relearnAfter = windowsFor(t.relearnAfterWindows, windowMs), alpha = alphaFor(t.baselineAlpha, windowMs);
    for (const [key, evs] of win.byEndpoint) {
      const lat: number[] = [];
      for (const r of evs) {
        if (r.latency !== null && !is5xx(r.status)) lat.push(r.latency);
      }
      const b = (state.endpoints[key] ??= { p50: 0, windows: 0, regressed: false, regressedWindows: 0, lastTs: 0 });
      b.lastTs = evs[evs.length - 1].ts;
      if (lat.length < t.minRequests) continue;
      const p50 = percentile(lat, 50);
      const regressed = b.windows >= minBaselineWindows && p50 >= b.p50 * t.factor && p50 - b.p50 >= t.minDeltaMs;
      b.regressed = regressed;
      b.regressedWindows = regressed ? b.regressedWindows + 1 : 0;
      if (regressed && b.regressedWindows > relearnAfter) {
        // Slow for this long is the new normal: learn it (the defect then resolves after the quiet period).
        b.p50 = p50; b.regressedWindows = 0; b.regressed = false;
        continue;
      }
      if (!regressed) {
        b.p50 = b.windows === 0 ? p50 : b.p50 + alpha * (p50 - b.p50);
        b.windows++;
        continue;
      }
      found.push({
        type: this.definition.id, domain: evs[0].ev.domainName, method: evs[0].ev.method, template: evs[0].template!,
        severity: p50 >= b.p50 * 10 ? 'medium' : 'low', count: lat.length, ts: evs[evs.length - 1].ev.ts,
        evidence: { requests: lat.length, p50Ms: p50, p95Ms: percentile(lat, 95), baselineP50Ms: Math.round(b.p50), ratio: Math.round((p50 / Math.max(1, b.p50)) * 10) / 10 },
      });
    }
    if (pruneDue(win)) capRecord(state.endpoints, t.maxEndpoints, (b) => b.lastTs);
    const byDomain = new Map<string, Finding[]>();
    for (const f of found) byDomain.set(f.domain, [...(byDomain.get(f.domain) ?? []), f]);
    const out: Finding[] = [];
    for (const [domain, fs] of byDomain) {
      if (fs.length < t.domainFanout) { out.push(...fs); continue; }
      out.push({
        type: this.definition.id, domain, method: '*', template: '*', severity: 'medium', count: fs.reduce((a, f) => a + f.count, 0), ts: Math.max(...fs.map((f) => f.ts)),
        evidence: { scope: 'domain-wide', endpointsAffected: fs.length, endpoints: fs.slice(0, 10).map((f) => `${f.method} ${f.template} (p50 ${f.evidence.p50Ms as number} ms vs ${f.evidence.baselineP50Ms as number} ms)`) },
      });
    }
    return out;
  },
};
