import { describe, expect, it } from 'vitest';
import { groupSeverity, linkedIdentities } from '../../shared/score/linkedIdentities.ts';
import type { ActorVerdict } from '../../shared/score/combine.ts';
import type { ActorWindow, WindowView } from '../../shared/score/window.ts';

const verdict = (actor: string, scenario = 'bola_enumeration', domain = 'api.example.test'): ActorVerdict =>
  ({ actor, score: 85, severity: 'high', scenario, detectors: ['enumeration'], domain, findings: [], related: [] }) as unknown as ActorVerdict;

/** Only what linkedIdentities reads of an address's window: whom it carried. */
function view(ips: Record<string, { prs?: string[]; keys?: string[] }>): WindowView {
  const actors = new Map<string, ActorWindow>();
  for (const [ip, a] of Object.entries(ips)) {
    actors.set(`ip|${ip}`, { key: `ip|${ip}`, type: 'ip', id: ip, prs: new Set(a.prs ?? []), keys: new Set(a.keys ?? []) } as unknown as ActorWindow);
  }
  return { start: 0, end: 300_000, actors, endpoints: new Map(), domains: new Map(), events: 0 };
}

describe('linkedIdentities', () => {
  it('folds an address into the one account it carried when both are flagged for the same scenario and API', () => {
    const vs = [verdict('ip|10.0.0.1'), verdict('principal|u-1')];
    expect(linkedIdentities(vs, view({ '10.0.0.1': { prs: ['u-1'] } }))).toEqual(new Map([['ip|10.0.0.1', 'principal|u-1']]));
  });

  it('folds into the API key when the address carried no principal and one key', () => {
    const vs = [verdict('api_key|pk-1'), verdict('ip|10.0.0.1')];
    expect(linkedIdentities(vs, view({ '10.0.0.1': { keys: ['pk-1'] } }))).toEqual(new Map([['ip|10.0.0.1', 'api_key|pk-1']]));
    // A principal comes first: the key is then the app's, shared by its users.
    expect(linkedIdentities(vs, view({ '10.0.0.1': { prs: ['u-1'], keys: ['pk-1'] } })).size).toBe(0);
  });

  it('keeps shared addresses, other scenarios, other APIs and unflagged accounts apart', () => {
    expect(linkedIdentities([verdict('ip|10.0.0.1'), verdict('principal|u-1')], view({ '10.0.0.1': { prs: ['u-1', 'u-2'] } })).size).toBe(0);
    expect(linkedIdentities([verdict('ip|10.0.0.1', 'scraping'), verdict('principal|u-1')], view({ '10.0.0.1': { prs: ['u-1'] } })).size).toBe(0);
    expect(linkedIdentities([verdict('ip|10.0.0.1'), verdict('principal|u-1', 'bola_enumeration', 'other.example.test')], view({ '10.0.0.1': { prs: ['u-1'] } })).size).toBe(0);
    expect(linkedIdentities([verdict('ip|10.0.0.1')], view({ '10.0.0.1': { prs: ['u-1'] } })).size).toBe(0);
  });

  it("gives the account's alert the highest severity of the folded identities", () => {
    const account = { ...verdict('principal|u-1'), severity: 'medium' } as ActorVerdict;
    const address = { ...verdict('ip|10.0.0.1'), severity: 'high' } as ActorVerdict;
    // An alert threshold of `high` would otherwise drop the incident that the address alone had raised.
    expect(groupSeverity(account, [address])).toBe('high');
    expect(groupSeverity({ ...account, severity: 'critical' } as ActorVerdict, [address])).toBe('critical');
    expect(groupSeverity(account, [])).toBe('medium');
  });
});
