import type { Alert } from './rows.ts';
import { SEVERITY_ORDER } from './rows.ts';

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

/** The one alert that stands for a campaign's actors in a window. */
export function campaignAlert(c: CampaignGroup, windowStart: number, windowEnd: number): Alert {
  const sorted = [...c.alerts].sort((a, b) => Number(b.body.score ?? 0) - Number(a.body.score ?? 0));
  const top = sorted[0];
  const severity = sorted.reduce((s, a) => (SEVERITY_ORDER[a.severity] > SEVERITY_ORDER[s] ? a.severity : s), top.severity);
  const actorTypes = new Set(sorted.map((a) => String(a.body.actorType)));
  return {
    dedupKey: `campaign:${c.key}:${windowStart}`,
    kind: 'risk',
    severity,
    ts: windowEnd,
    subject: `${c.scenario} campaign: ${sorted.length} ${[...actorTypes].join('/')} actors on ${c.domain}`,
    body: {
      campaign: true,
      scenario: c.scenario,
      domain: c.domain,
      actorCount: sorted.length,
      window: { start: new Date(windowStart).toISOString(), end: new Date(windowEnd).toISOString() },
      actors: sorted.slice(0, 50).map((a) => ({ actorType: a.body.actorType, actor: a.body.actor, score: a.body.score })),
      detectors: [...new Set(sorted.flatMap((a) => (Array.isArray(a.body.detectors) ? (a.body.detectors as string[]) : [])))],
      strongestEvidence: top.body.evidence,
      athenaQuery: `SELECT actor_type, actor, max(score) AS score FROM risk_events WHERE scenario = '${c.scenario.replace(/'/g, "''")}' AND domain_name = '${c.domain.replace(/'/g, "''")}' AND window_start >= '${new Date(windowStart - CAMPAIGN_COOLDOWN_MS).toISOString()}' GROUP BY 1, 2 ORDER BY score DESC`,
    },
  };
}
