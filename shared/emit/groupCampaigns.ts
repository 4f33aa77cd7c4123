import type { Alert, Severity } from './rows.ts';
import { higherSeverity } from './rows.ts';

/** Risk alerts of one window that share a scenario and an API, when at least this many actors take part. */
export const CAMPAIGN_MIN_ACTORS = 3;
/** A campaign stays one alert while it keeps producing alerts less than this apart (event time). */
export const CAMPAIGN_COOLDOWN_MS = 60 * 60_000;

export interface CampaignGroup {
  key: string;
  scenario: string;
  domain: string;
  alerts: Alert[];
}

/** Which campaign a risk alert belongs to: its scenario on its API. */
export const campaignKeyOf = (a: Alert) => `${String(a.body.scenario ?? 'unknown')}|${String(a.body.domain ?? '-')}`;

/**
 * Splits one window's alerts into those sent as they are and groups of risk alerts that belong to one
 * distributed attack (same scenario, same API): 540 stuffing IPs are one incident for the on-call person,
 * not 540 e-mails. `active` names campaigns already alerted and still ongoing; their members always fold in.
 */
export function groupCampaigns(alerts: readonly Alert[], active: ReadonlySet<string>): { single: Alert[]; campaigns: CampaignGroup[] } {
  const groups = new Map<string, Alert[]>();
  const single: Alert[] = [];
  for (const a of alerts) {
    if (a.kind !== 'risk' || !a.body.scenario) { single.push(a); continue; }
    const k = campaignKeyOf(a);
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(a);
  }
  const campaigns: CampaignGroup[] = [];
  for (const [k, g] of groups) {
    if (g.length >= CAMPAIGN_MIN_ACTORS || active.has(k)) {
      const [scenario, domain] = k.split('|');
      campaigns.push({ key: k, scenario, domain, alerts: g });
    } else single.push(...g);
  }
  return { single, campaigns };
}

/** The highest severity among a campaign's alerts of a window. */
export const campaignSeverity = (c: CampaignGroup): Severity => c.alerts.reduce<Severity>((s, a) => higherSeverity(s, a.severity), 'info');

/** Which campaign an alert stands for: the campaign's first window, and the severity it escalated from, if it did. */
export interface CampaignIdentity {
  start: number;
  escalatedFrom?: Severity;
}

/**
 * The one alert that stands for a campaign's actors in a window. Its key is the campaign's (scenario, API,
 * first window), plus the severity when it escalates: each severity a campaign reaches alerts once.
 */
export function campaignAlert(c: CampaignGroup, windowStart: number, windowEnd: number, id: CampaignIdentity = { start: windowStart }): Alert {
  const sorted = [...c.alerts].sort((a, b) => Number(b.body.score ?? 0) - Number(a.body.score ?? 0));
  const top = sorted[0];
  const severity = campaignSeverity(c);
  const actorTypes = new Set(sorted.map((a) => String(a.body.actorType)));
  const since = Math.min(id.start, windowStart - CAMPAIGN_COOLDOWN_MS);
  return {
    dedupKey: id.escalatedFrom ? `campaign:${c.key}:${id.start}:${severity}` : `campaign:${c.key}:${id.start}`,
    kind: 'risk',
    severity,
    ts: windowEnd,
    ...(id.escalatedFrom ? { escalatedFrom: id.escalatedFrom } : {}),
    subject: `${c.scenario} campaign: ${sorted.length} ${[...actorTypes].join('/')} actors on ${c.domain}`,
    body: {
      campaign: true,
      campaignStart: new Date(id.start).toISOString(),
      scenario: c.scenario,
      domain: c.domain,
      actorCount: sorted.length,
      window: { start: new Date(windowStart).toISOString(), end: new Date(windowEnd).toISOString() },
      actors: sorted.slice(0, 50).map((a) => ({ actorType: a.body.actorType, actor: a.body.actor, score: a.body.score, ...(a.body.alsoSeenAs ? { alsoSeenAs: a.body.alsoSeenAs } : {}) })),
      detectors: [...new Set(sorted.flatMap((a) => (Array.isArray(a.body.detectors) ? (a.body.detectors as string[]) : [])))],
      strongestEvidence: top.body.evidence,
      athenaQuery: `SELECT actor_type, actor, max(score) AS score FROM risk_events WHERE scenario = '${c.scenario.replace(/'/g, "''")}' AND domain_name = '${c.domain.replace(/'/g, "''")}' AND window_start >= '${new Date(since).toISOString()}' GROUP BY 1, 2 ORDER BY score DESC`,
    },
  };
}
