import { describe, expect, it } from 'vitest';
import { applyTicket, applyTriagePatch, MAX_HISTORY, parseTriagePatch, TRANSITIONS, TRIAGE_STATUSES, TriageError, untriaged } from '../../shared/triage/model.ts';

const AT = '2026-11-23T10:00:00.000Z';
const ME = 'arn:aws:sts::111122223333:assumed-role/SecurityAnalyst/alice';

function rejects(body: unknown): { message: string; status: number } {
  try {
    parseTriagePatch(body);
  } catch (e) {
    if (e instanceof TriageError) return { message: e.message, status: e.status };
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('triage change validation', () => {
  it.each([
    [{ status: 'closed' }, 'status: must be one of open, acknowledged, in_progress, accepted_risk, false_positive, fixed'],
    [{ status: 'open', assignee: 'bob' }, 'assignee: not a field of a triage change; it takes status, owner, note'],
    [{ note: 'x'.repeat(2001) }, 'note: must be at most 2000 characters'],
    [{ owner: '' }, 'owner: must not be empty; send null to clear it'],
    [{ owner: 'bob\u0007' }, 'owner: must not hold control characters'],
    [{ owner: 42 }, 'owner: must be a string (a name, e-mail or team) or null'],
    [{}, 'body: give at least one of status, owner, note'],
    [[{ status: 'open' }], 'body: must be a JSON object with status, owner, note'],
    ['false_positive', 'body: must be a JSON object with status, owner, note'],
  ])('refuses %j with 400 "%s"', (body, message) => {
    expect(rejects(body)).toEqual({ message, status: 400 });
  });

  it('accepts a note of exactly the limit, and null to clear owner and note', () => {
    expect(parseTriagePatch({ note: 'x'.repeat(2000), owner: null })).toEqual({ note: 'x'.repeat(2000), owner: null });
    expect(parseTriagePatch({ owner: '  team-payments ' })).toEqual({ owner: 'team-payments' });
  });
});

describe('applying a change', () => {
  it('records one history entry per changed field, bumps the version and keeps unchanged fields silent', () => {
    const r = applyTriagePatch(untriaged('defect', 'd1'), { status: 'false_positive', owner: 'alice', note: 'scanner traffic' }, ME, AT);
    expect(r).toMatchObject({ status: 'false_positive', owner: 'alice', note: 'scanner traffic', version: 1, updatedAt: AT, updatedBy: ME });
    expect(r.history).toEqual([
      { at: AT, by: ME, field: 'status', from: 'open', to: 'false_positive' },
      { at: AT, by: ME, field: 'owner', from: null, to: 'alice' },
      { at: AT, by: ME, field: 'note', from: null, to: 'scanner traffic' },
    ]);
    const again = applyTriagePatch(r, { status: 'false_positive', owner: 'alice', note: null }, 'bob', AT);
    expect(again.history.slice(3)).toEqual([{ at: AT, by: 'bob', field: 'note', from: 'scanner traffic', to: null }]);
    expect(again.version).toBe(2);
  });

  it('allows exactly the moves of TRANSITIONS and names the allowed ones otherwise (409)', () => {
    for (const from of TRIAGE_STATUSES) {
      for (const to of TRIAGE_STATUSES.filter((s) => s !== from)) {
        const start = { ...untriaged('defect', 'd1'), status: from };
        const allowed = TRANSITIONS[from].includes(to);
        let error: TriageError | undefined;
        try { applyTriagePatch(start, { status: to }, ME, AT); } catch (e) { error = e as TriageError; }
        expect(error === undefined, `${from} -> ${to}`).toBe(allowed);
      }
    }
    const fp = { ...untriaged('defect', 'd1'), status: 'false_positive' as const };
    expect(() => applyTriagePatch(fp, { status: 'fixed' }, ME, AT)).toThrow(new TriageError('status: cannot go from false_positive to fixed; from false_positive it can go to open', 409));
  });

  it('keeps the newest MAX_HISTORY entries', () => {
    let r = untriaged('incident', 'i1');
    for (let i = 0; i <= MAX_HISTORY; i++) r = applyTriagePatch(r, { note: `n${i}` }, ME, AT);
    expect(r.history).toHaveLength(MAX_HISTORY);
    expect(r.history.at(-1)!.to).toBe(`n${MAX_HISTORY}`);
    expect(r.history[0].to).toBe('n1');
  });

  it('records a ticket link once it exists, not the claim taken while creating it', () => {
    const claimed = applyTicket(untriaged('defect', 'd1'), { system: 'jira', key: '', url: '', state: 'creating', at: AT }, 'tickets', AT);
    expect(claimed.history).toEqual([]);
    const linked = applyTicket(claimed, { system: 'jira', key: 'SEC-7', url: 'https://x.atlassian.net/browse/SEC-7', state: 'open', at: AT }, 'tickets', AT);
    expect(linked.history).toEqual([{ at: AT, by: 'tickets', field: 'ticket', from: null, to: 'jira:SEC-7 (open)' }]);
    expect(linked.version).toBe(2);
  });
});
