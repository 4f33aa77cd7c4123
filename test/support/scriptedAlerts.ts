import type { Analysis } from '../../shared/engine/types.ts';
import type { Alert, Severity } from '../../shared/emit/rows.ts';

/** A risk alert as scoring raises it for one actor of a distributed attack (scenario and API in its body). */
export function riskAlert(actor: string, severity: Severity, ts: number, scenario = 'credential_stuffing', domain = 'api.bank.example'): Alert {
  return {
    dedupKey: `risk:${actor}@${ts}:${severity}`, kind: 'risk', severity, ts, subject: `[apiscope] ${severity} ${scenario} by ip ${actor} on ${domain}`,
    body: { actorType: 'ip', actor, score: { low: 30, medium: 60, high: 80, critical: 95, info: 0 }[severity], scenario, domain, detectors: [scenario] },
  };
}

/**
 * A stand-in for scoring that raises exactly the alerts a test scripts for each window (by window start), so
 * that what the engine sends of them can be stated exactly.
 */
export function scriptedAlerts(script: (windowStart: number, windowEnd: number) => Alert[]): Analysis<{ windows: number }> {
  return {
    name: 'scoring',
    initialState: () => ({ windows: 0 }),
    closeWindow(_events, state, ctx) {
      state.windows++;
      return { alerts: script(ctx.windowStart, ctx.windowEnd) };
    },
  };
}
