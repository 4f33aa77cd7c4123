import { describe, expect, it } from 'vitest';
import { campaignAlert, groupCampaigns } from '../../shared/emit/groupCampaigns.ts';
import { renderAlert } from '../../shared/emit/renderAlert.ts';
import type { Alert } from '../../shared/emit/rows.ts';

const risk = (actor: string, scenario: string, score = 80, domain = 'api.bank.example'): Alert => ({ dedupKey: `risk:${actor}`, kind: 'risk', severity: score >= 90 ? 'critical' : 'high', ts: 0, subject: `x ${actor}`, body: { actorType: 'ip', actor, score, scenario, domain, detectors: [scenario] } });

describe('campaign alerts', () => {
  it('folds a distributed attack into one alert and leaves lone actors and defects alone', () => {
    const alerts = [...['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'].map((ip, i) => risk(ip, 'credential_stuffing', 80 + i * 5)), risk('9.9.9.9', 'forced_browsing'), { ...risk('d', 'x'), kind: 'defect' as const }];
    const { single, campaigns } = groupCampaigns(alerts, new Set());
    expect(single.map((a) => a.body.actor).sort()).toEqual(['9.9.9.9', 'd']);
    expect(campaigns).toHaveLength(1);
    const c = campaignAlert(campaigns[0], 0, 300_000);
    expect(c.severity).toBe('critical');
    expect(c.body.actorCount).toBe(4);
    expect((c.body.actors as Array<{ actor: string }>)[0].actor).toBe('4.4.4.4');
    expect(renderAlert(c).subject).toBe('[apiscope] CRITICAL credential_stuffing campaign: 4 ip actors on api.bank.example');
  });

  it('folds even a single new actor into a campaign that is still going on', () => {
    const { single, campaigns } = groupCampaigns([risk('5.5.5.5', 'credential_stuffing')], new Set(['credential_stuffing|api.bank.example']));
    expect(single).toEqual([]);
    expect(campaigns[0].alerts).toHaveLength(1);
  });
});
