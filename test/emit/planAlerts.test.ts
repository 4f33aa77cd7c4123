import { describe, expect, it } from 'vitest';
import { planAlerts, type CampaignBook } from '../../shared/emit/planAlerts.ts';
import { renderAlert, MAX_MESSAGE_BYTES } from '../../shared/emit/renderAlert.ts';
import type { Alert, Severity } from '../../shared/emit/rows.ts';
import { riskAlert } from '../support/scriptedAlerts.ts';

const W = 300_000;
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const cs = (k: number, n: number, sev: Severity, from = 0) => Array.from({ length: n }, (_, i) => riskAlert(`10.0.${k}.${from + i}`, sev, T0 + (k + 1) * W));
const plan = (book: CampaignBook, k: number, alerts: Alert[]) => planAlerts(alerts, book, T0 + k * W, T0 + (k + 1) * W, 'high');

describe('planAlerts: what a window sends', () => {
  it('sends the campaign again above what it sent, folds the rest in, and starts over after an hour of quiet', () => {
    const book: CampaignBook = {};
    const sent = (k: number, alerts: Alert[]) => plan(book, k, alerts).deliver.map((a) => [a.severity, a.escalatedFrom ?? null, a.dedupKey]);
    const key = `campaign:credential_stuffing|api.bank.example:${T0}`;
    expect(sent(0, cs(0, 3, 'high'))).toEqual([['high', null, key]]);
    expect(sent(1, cs(1, 5, 'high'))).toEqual([]);
    expect(sent(2, [...cs(2, 2, 'high'), ...cs(2, 1, 'critical', 9)])).toEqual([['critical', 'high', `${key}:critical`]]);
    expect(sent(3, cs(3, 1, 'critical'))).toEqual([]);
    expect(book['credential_stuffing|api.bank.example']).toMatchObject({ start: T0, sent: 'critical', top: 'critical', lastTs: T0 + 4 * W });
    // Quiet from 10:20 until 11:25: the same scenario on the same API is a new campaign.
    expect(sent(17, cs(17, 3, 'high'))).toEqual([['high', null, `campaign:credential_stuffing|api.bank.example:${T0 + 17 * W}`]]);
  });

  it('does not let a campaign below the threshold swallow its first member at or above it', () => {
    const book: CampaignBook = {};
    const first = plan(book, 0, cs(0, 4, 'medium'));
    expect(first).toEqual({ deliver: [], folded: 0, belowThreshold: 4, silenced: 0 });
    const later = plan(book, 1, cs(1, 1, 'high'));
    expect(later.deliver.map((a) => [a.severity, a.escalatedFrom, a.body.actorCount])).toEqual([['high', 'medium', 1]]);
  });

  it('sends single alerts at or above the threshold only', () => {
    const defect = (severity: Severity): Alert => ({ dedupKey: `d-${severity}#1`, kind: 'defect', severity, ts: T0, subject: 'x', body: {} });
    const r = planAlerts([defect('medium'), defect('high'), defect('critical')], {}, T0, T0 + W, 'high');
    expect(r.deliver.map((a) => a.dedupKey)).toEqual(['d-high#1', 'd-critical#1']);
    expect(r.belowThreshold).toBe(1);
  });
});

describe('renderAlert', () => {
  it('keeps a message that would not fit SNS (or the outbox item) below the limit, naming what it left out', () => {
    const huge: Alert = { dedupKey: 'risk:abc', kind: 'risk', severity: 'high', ts: T0, subject: 'big', body: { actor: '10.0.0.1', evidence: { samples: 'x'.repeat(300_000) }, athenaQuery: 'SELECT 1' } };
    const r = renderAlert(huge);
    expect(Buffer.byteLength(r.message)).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(JSON.parse(r.message)).toMatchObject({ dedupKey: 'risk:abc', actor: '10.0.0.1', athenaQuery: 'SELECT 1', truncated: { leftOut: ['evidence'] } });
    expect(r.attributes.dedupKey).toBe('risk:abc');
  });
});
