import type { Check, Finding } from '../types.ts';
import { capRecord, pruneDue, is5xx, round } from '../util.ts';
import { alphaFor } from '../../engine/windowScale.ts';

interface ErrorBaseline { share: number; windows: number; lastTs: number }
interface DomainIncident { startTs: number; lastTs: number; endpoints: string[]; endpointCount: number; requests: number; errors: number; peakShare: number }
export interface ErrorBurstState {
  endpoints: Record<string, ErrorBaseline>;
  /** Domain -> its current domain-wide incident: bursts soon after the last one belong to the same incident. */
  domainIncidents: Record<string, DomainIncident>;
}

const thresholds = {
  /** Requests the endpoint needs in a window to be judged. */
  minRequests: 10,
  /** 5xx responses needed in the window. */
  min5xx: 5,
  /** 5xx share needed in the window... */
  minShare: 0.25,
  /** ...and how far above the endpoint's own baseline share it must be. */
  minShareAboveBaseline: 0.2,
  /** Weight of a new normal 5-minute window in the baseline (EWMA; the same weight per unit of time at other lengths). */
  baselineAlpha: 0.1,
  /** When this many endpoints of one domain burst in the same window, one domain-wide finding is raised instead. */
  domainFanout: 3,
  /** Per-endpoint bursts this soon (ms) after a domain-wide burst are folded into it. */
  incidentGapMs: 900_000,
  maxEndpoints: 20_000,
};

/**
 * The share of 5xx answers of an endpoint jumps far above its own baseline. A burst across many endpoints of
 * a domain at once (an upstream outage) is reported once for the domain, not once per endpoint.
 */
export const errorBurst: Check<ErrorBurstState, typeof thresholds> = {
  definition: {
    id: 'error_burst',
    title: 'Burst of server errors',
    owasp: 'API8:2023',
    severity: 'medium',
    fix: 'Look at the integration (Lambda/HTTP backend) logs for the window in the evidence: a failing dependency, a bad deploy or exhausted capacity. Add alarms on 5XXError, timeouts and retries with backoff, and make sure error responses do not leak internals.',
    evidence: 'requests, 5xx count and share in the window, the endpoint baseline share, status breakdown',
    thresholds,
    /** Incident-like: an hour without a burst ends the incident. */
    resolveAfterMs: 3_600_000,
  },
  initialState: () => ({ endpoints: {}, domainIncidents: {} }),
  evaluate(win, state, t) {
    const bursts: Finding[] = [];
    const alpha = alphaFor(t.baselineAlpha, win.windowEnd - win.windowStart);
    for (const [key, evs] of win.byEndpoint) {
      let e5 = 0, lastErr = 0;
      const codes: Record<string, number> = {};
      for (const r of evs) if (is5xx(r.status)) { e5++; lastErr = r.ts; codes[r.status] = (codes[r.status] ?? 0) + 1; }
      const n = evs.length;
      const b = (state.endpoints[key] ??= { share: 0, windows: 0, lastTs: 0 });
      b.lastTs = evs[n - 1].ts;
      if (n < t.minRequests) continue;
      const share = e5 / n;
      const burst = e5 >= t.min5xx && share >= t.minShare && share >= b.share + t.minShareAboveBaseline;
      if (!burst) {
        b.share = b.windows === 0 ? share : b.share + alpha * (share - b.share);
        b.windows++;
        continue;
      }
      bursts.push({
        type: this.definition.id, domain: evs[0].ev.domainName, method: evs[0].ev.method, template: evs[0].template!,
        severity: share >= 0.5 ? 'high' : 'medium', count: e5, ts: lastErr,
        evidence: { requests: n, errors5xx: e5, share: round(share), baselineShare: round(b.share), baselineWindows: b.windows, statuses: codes },
      });
    }
    if (pruneDue(win)) capRecord(state.endpoints, t.maxEndpoints, (b) => b.lastTs);
    if (pruneDue(win)) capRecord(state.domainIncidents, t.maxEndpoints, (x) => x.lastTs);
    const byDomain = new Map<string, Finding[]>();
    for (const f of bursts) byDomain.set(f.domain, [...(byDomain.get(f.domain) ?? []), f]);
    const out: Finding[] = [];
    for (const [domain, fs] of byDomain) {
      const inc = state.domainIncidents[domain];
      const ongoing = inc !== undefined && fs[0].ts - inc.lastTs <= t.incidentGapMs;
      if (fs.length < t.domainFanout && !ongoing) { out.push(...fs); continue; }
      const requests = fs.reduce((a, f) => a + (f.evidence.requests as number), 0);
      const errors = fs.reduce((a, f) => a + f.count, 0);
      const i: DomainIncident = ongoing ? inc : { startTs: Math.min(...fs.map((f) => f.ts)), lastTs: 0, endpoints: [], endpointCount: 0, requests: 0, errors: 0, peakShare: 0 };
      state.domainIncidents[domain] = i;
      i.lastTs = Math.max(...fs.map((f) => f.ts));
      for (const f of fs) {
        const name = `${f.method} ${f.template}`;
        if (!i.endpoints.includes(name)) { i.endpointCount++; if (i.endpoints.length < 10) i.endpoints.push(name); }
      }
      i.requests += requests; i.errors += errors; i.peakShare = Math.max(i.peakShare, errors / requests);
      out.push({
        type: this.definition.id, domain, method: '*', template: '*', severity: 'high', count: errors, ts: i.lastTs,
        evidence: {
          scope: 'domain-wide', since: new Date(i.startTs).toISOString(), endpointsAffected: i.endpointCount, requests: i.requests, errors5xx: i.errors,
          share: round(i.errors / i.requests), peakWindowShare: round(i.peakShare), endpoints: i.endpoints,
          thisWindow: fs.slice(0, 5).map((f) => `${f.method} ${f.template} (${f.count}/${f.evidence.requests as number})`),
        },
      });
    }
    return out;
  },
};
