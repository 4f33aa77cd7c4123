import type { Alert, Severity } from './rows.ts';
import { SEVERITY_ORDER, higherSeverity, severityAtLeast } from './rows.ts';
import { campaignAlert, campaignSeverity, CAMPAIGN_COOLDOWN_MS, groupCampaigns } from './groupCampaigns.ts';

/** What is remembered of a campaign between windows: part of the engine's committed state, not a separate item. */
export interface CampaignRecord {
  /** Start of the campaign's first window: its identity. */
  start: number;
  /** End of the latest window that had alerts of the campaign. */
  lastTs: number;
  /** The highest severity its members have had. */
  top: Severity;
  /** The highest severity of a campaign alert handed over for delivery; absent while none reached the threshold. */
  sent?: Severity;
}

/** Ongoing campaigns by campaign key (`scenario|domain`). */
export type CampaignBook = Record<string, CampaignRecord>;

export interface AlertPlan {
  /** Alerts at or above the threshold, campaigns folded into one alert each: what goes to the outbox. */
  deliver: Alert[];
  /** Member alerts that an ongoing campaign already covers at their severity. */
  folded: number;
  /** Alerts below the threshold (campaign members included). */
  belowThreshold: number;
  /** Alerts (campaign members included) that `silenced` held back: their findings are triaged not to alert. */
  silenced: number;
}

/**
 * Decides what one window's alerts send. Risk alerts of a distributed attack become one campaign alert, and
 * while the campaign goes on (less than an hour of event time between its alerts) its members fold into it,
 * except that a member at or above the threshold and above what the campaign has sent so far sends the
 * campaign again, as an escalation. So a campaign whose first window was below the threshold still alerts
 * when it turns critical. Resolution notices (`defect_resolved`) go out whatever their severity: they close
 * tickets, which can exist for a defect of any severity (opened on demand), and e-mail subscribers get them only
 * if they opt in (infra/constructs/alerts.ts).
 *
 * `silenced` names alerts whose finding is triaged not to alert (false positive, accepted risk): they are left
 * out of what is delivered, and a campaign alert names only its other members. The campaign book is kept as if
 * none were silenced, so it never depends on triage: pure and deterministic, a re-closed or replayed window
 * (replay plans without triage) plans the same alerts and leaves `book` the same.
 */
export function planAlerts(alerts: readonly Alert[], book: CampaignBook, windowStart: number, windowEnd: number, min: Severity, silenced?: (a: Alert) => boolean): AlertPlan {
  for (const k of Object.keys(book)) if (windowStart - book[k].lastTs > CAMPAIGN_COOLDOWN_MS) delete book[k];
  const plan: AlertPlan = { deliver: [], folded: 0, belowThreshold: 0, silenced: 0 };
  if (!alerts.length) return plan;
  const { single, campaigns } = groupCampaigns(alerts, new Set(Object.keys(book)));
  for (const a of single) {
    if (silenced?.(a)) plan.silenced++;
    else if (a.kind === 'defect_resolved' || severityAtLeast(a.severity, min)) plan.deliver.push(a);
    else plan.belowThreshold++;
  }
  for (const c of campaigns) {
    const severity = campaignSeverity(c);
    const known = book[c.key];
    const rec = known ?? (book[c.key] = { start: windowStart, lastTs: windowEnd, top: severity });
    if (!severityAtLeast(severity, min)) plan.belowThreshold += c.alerts.length;
    else if (rec.sent === undefined || SEVERITY_ORDER[severity] > SEVERITY_ORDER[rec.sent]) {
      const shown = silenced ? { ...c, alerts: c.alerts.filter((a) => !silenced(a)) } : c;
      plan.silenced += c.alerts.length - shown.alerts.length;
      // What the members left say: an escalation only a silenced member made is no escalation of theirs.
      const top = shown.alerts.length ? campaignSeverity(shown) : null;
      if (top !== null && severityAtLeast(top, min) && (rec.sent === undefined || SEVERITY_ORDER[top] > SEVERITY_ORDER[rec.sent])) {
        // The first campaign alert of a campaign that was below the threshold until now says what it stood at.
        const from = rec.sent ?? (known ? rec.top : undefined);
        plan.deliver.push(campaignAlert(shown, windowStart, windowEnd, { start: rec.start, ...(from && from !== top ? { escalatedFrom: from } : {}) }));
      } else plan.folded += shown.alerts.length;
      rec.sent = severity;
    } else plan.folded += c.alerts.length;
    rec.lastTs = windowEnd;
    rec.top = higherSeverity(rec.top, severity);
  }
  return plan;
}
