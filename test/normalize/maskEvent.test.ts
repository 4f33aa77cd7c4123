import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../../shared/normalize/normalizeRecord.ts';
import { maskEvent } from '../../shared/normalize/maskEvent.ts';
import { createMasker } from '../../shared/sensitive/maskPath.ts';
import { accessLine } from '../support/records.ts';

const event = (over: Record<string, string>) => {
  const r = normalizeRecord(JSON.stringify(accessLine(over)));
  if (!r.ok) throw new Error(r.rejection.detail);
  return r.event;
};

describe('maskEvent', () => {
  const m = createMasker('k');

  it('masks every string field, and keeps IP addresses as logged', () => {
    const ev = maskEvent(event({ ip: '203.0.113.9', userAgent: 'app/1 +14155552671', errorMessage: 'no user 13812345678', domainName: 'alice@example.com', stage: 'p-13812345678', requestId: 'r 6222021234567890128' }), m);
    expect(ev.ip).toBe('203.0.113.9');
    const all = JSON.stringify(ev);
    for (const raw of ['14155552671', '13812345678', 'alice@example.com', '6222021234567890128']) expect(all).not.toContain(raw);
    expect(ev.userAgent).toBe(`app/1 ${m.maskText('+14155552671')}`);
  });

  it('turns a principal or API key id that is a phone number, email or ID into its stable token: one distinct caller', () => {
    const a = maskEvent(event({ principalId: '13812345678', apiKeyId: 'carol@example.org' }), m);
    const b = maskEvent(event({ principalId: '138 1234 5678', requestId: 'req-2' }), m);
    const c = maskEvent(event({ principalId: '13912345678' }), m);
    expect(a.principalId).toMatch(/^\*cn_mobile:138\*\*\*\*5678#[0-9a-f]{12}$/);
    expect(b.principalId).toBe(a.principalId);
    expect(c.principalId).not.toBe(a.principalId);
    expect(a.apiKeyId).toMatch(/^\*email:c\*\*\*@example\.org#[0-9a-f]{12}$/);
    expect(maskEvent(event({ principalId: 'u-10023' }), m).principalId).toBe('u-10023');
  });

  it('returns the event itself when nothing in it is sensitive', () => {
    const ev = event({});
    expect(maskEvent(ev, m)).toBe(ev);
  });
});
