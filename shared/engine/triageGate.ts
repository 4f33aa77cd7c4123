import type { Alert } from '../emit/rows.ts';
import { regressionAlert } from '../emit/regressionAlert.ts';
import { triageTargetOf } from '../emit/triageTarget.ts';
import type { TriageStatus } from '../triage/model.ts';
import type { TriageView } from '../triage/view.ts';
import type { MetricsSink, TriagePort } from './ports.ts';
import type { Analysis, AnalysisOutput } from './types.ts';

/** Regressions found after one window: their alerts, and the defects to set back to open once those are queued. */
export interface Regressions {
  alerts: Alert[];
  ids: string[];
}

/**
 * How triage bears on what a closed window sends, kept out of the analyses so that they stay pure and replay
 * the same whatever people decide:
 * - alerts of defects and incidents triaged false_positive or accepted_risk are not queued (`silenced`);
 * - a defect triaged fixed at T that the window shows again after T (event time against the time the person
 *   set it) is a regression: one alert of its own, and the triage record goes back to open. Its other alerts
 *   of the window are left out, as are alerts of a fixed defect about traffic from before the fix;
 * - rows of defects and risk events carry the status as known (`triage_status`).
 * Without a TriagePort it does nothing, and rows carry no status.
 */
export class TriageGate {
  private view: TriageView | null = null;
  /** Defects this container has set back to open since its view was read (the view still says fixed). */
  private readonly reopened = new Set<string>();
  /** Defects that regressed in the window being closed. */
  private regressed: ReadonlySet<string> = new Set();
  /** What planAlerts leaves out; the same function every window, reading the fields above. */
  readonly silenced = (a: Alert): boolean => {
    const target = this.view && triageTargetOf(a);
    if (!target) return false;
    const status = this.statusOf(target.kind, target.id);
    if (status === 'accepted_risk' || status === 'false_positive') return true;
    if (target.kind !== 'defect' || a.kind !== 'defect') return false;
    if (this.regressed.has(target.id)) return a.body.regression !== true;
    return status === 'fixed';
  };

  constructor(private readonly port: TriagePort | undefined, private readonly metrics: MetricsSink) {}

  /** Reads the triage for this invocation (the port keeps a copy for a short time). */
  async refresh(): Promise<void> {
    if (!this.port) return;
    this.view = await this.port.view();
    this.reopened.clear();
  }

  private statusOf(kind: 'defect' | 'incident', id: string): TriageStatus {
    if (kind === 'defect' && this.reopened.has(id)) return 'open';
    return this.view!.statusOf(kind, id);
  }

  /** Writes the triage status into the window's defect and risk-event rows. */
  stamp(out: AnalysisOutput): void {
    if (!this.view) return;
    for (const r of out.defects ?? []) r.triage_status = this.statusOf('defect', r.defect_id);
    for (const r of out.riskEvents ?? []) if (r.incident_id) r.triage_status = this.statusOf('incident', r.incident_id);
  }

  /**
   * The defects triaged fixed that `analysis` has seen after their fix, as of the window that ends at `at`.
   * Marks them open for the rest of this invocation; {@link reopen} writes it once their alerts are queued.
   */
  regressions(analysis: Pick<Analysis<unknown>, 'defectSeenSince'>, state: unknown, at: number): Regressions {
    const out: Regressions = { alerts: [], ids: [] };
    const view = this.view;
    if (!view || !analysis.defectSeenSince) { this.regressed = new Set(); return out; }
    for (const id of view.idsWithStatus('defect', 'fixed')) {
      if (this.reopened.has(id)) continue;
      const fix = view.fixOf('defect', id);
      const since = fix ? Date.parse(fix.at) : NaN;
      if (!fix || !Number.isFinite(since)) continue;
      const row = analysis.defectSeenSince(state, id, since);
      if (!row) continue;
      out.alerts.push(regressionAlert(row, fix, at));
      out.ids.push(id);
      this.reopened.add(id);
    }
    this.regressed = new Set(out.ids);
    if (out.ids.length) this.metrics.count('DefectRegressions', out.ids.length);
    return out;
  }

  /** Sets the regressed defects back to open in the triage store (conditional: a person's newer change wins). */
  async reopen(ids: readonly string[]): Promise<void> {
    for (const id of ids) if (await this.port!.reopen('defect', id)) this.metrics.count('TriageReopened', 1);
  }
}
