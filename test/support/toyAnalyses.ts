import type { Analysis, DiscoveryAnalysis, EndpointResolver } from '../../shared/engine/types.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';

/**
 * Minimal analyses for engine tests: discovery counts requests per path; "scoring" flags IPs with >= 5
 * requests in a window and alerts once per IP. Small enough to reason about the expected output exactly.
 */
export function toyDiscovery(): DiscoveryAnalysis<{ paths: Record<string, number> }> {
  return {
    name: 'discovery',
    initialState: () => ({ paths: {} }),
    closeWindow(events, state) {
      for (const e of events) state.paths[e.path] = (state.paths[e.path] ?? 0) + 1;
      return {};
    },
    finish(state, ctx) {
      return { endpoints: Object.entries(state.paths).sort().map(([template, n]) => ({ domain_name: 'd', method: 'GET', template, first_seen: '', last_seen: '', request_count: n, snapshot_at: new Date(ctx.windowEnd).toISOString() }) as any) };
    },
    resolver(state): EndpointResolver {
      return { templateOf: (_d, _m, p) => (state.paths[p] ? p : null), endpointInfo: () => undefined };
    },
  };
}

export function toyScoring(): Analysis<{ windows: number; seen: number }> {
  return {
    name: 'scoring',
    initialState: () => ({ windows: 0, seen: 0 }),
    closeWindow(events: readonly AccessEvent[], state, ctx) {
      state.windows++;
      state.seen += events.length;
      const byIp = new Map<string, number>();
      for (const e of events) byIp.set(e.ip, (byIp.get(e.ip) ?? 0) + 1);
      const hot = [...byIp].filter(([, n]) => n >= 5).sort();
      return {
        riskEvents: hot.map(([ip, n]) => ({ actor_type: 'ip', actor: ip, window_start: new Date(ctx.windowStart).toISOString(), window_end: new Date(ctx.windowEnd).toISOString(), score: 50 + n, severity: 'high', scenario: 'traffic_spike', detectors: ['toy'], domain_name: 'd', evidence: JSON.stringify({ known: events.filter((e) => ctx.endpoints.templateOf('d', 'GET', e.path)).length }), related_actors: [] })),
        alerts: hot.map(([ip]) => ({ dedupKey: `toy:${ip}`, subject: `hot ${ip}`, severity: 'high', kind: 'risk', body: { ip }, ts: ctx.windowStart })),
      };
    },
  };
}
