import { describe, expect, it } from 'vitest';
import { ev, rng, run, step, word, T0 } from './helpers.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';

describe('template inference', () => {
  it('keeps /users/me literal next to /users/{id}', () => {
    const evs: AccessEvent[] = [];
    for (let i = 0; i < 60; i++) evs.push(ev(`/v1/users/${1000 + i * 7}`), ev('/v1/users/me'));
    const { templateOf } = run(evs);
    const t = templateOf('/v1/users/1007');
    expect(t).toMatch(/^\/v1\/users\/\{[a-z_0-9]+\}$/);
    expect(templateOf('/v1/users/99999')).toBe(t);
    expect(templateOf('/v1/users/me')).toBe('/v1/users/me');
  });

  it('finds /repos/{owner}/{repo} when both hold plain words', () => {
    const r = rng(7);
    const evs: AccessEvent[] = [];
    const subs = ['issues', 'pulls', 'tags', 'branches', 'releases', 'keys'];
    for (let i = 0; i < 300; i++) {
      const owner = word(r), repo = word(r);
      const sub = subs[Math.floor(r() * subs.length)];
      evs.push(ev(`/repos/${owner}/${repo}/${sub}`, { principalId: owner }));
    }
    // A top level of a few heavily used names beside it.
    for (let i = 0; i < 200; i++) evs.push(ev(['/user', '/emojis', '/meta', '/rate_limit'][i % 4]));
    const { templateOf } = run(evs);
    const a = templateOf('/repos/kalomi/tenvo/issues');
    const b = templateOf('/repos/zupe/shidan-moel/issues');
    expect(a).not.toBeNull();
    expect(a).toBe(b);
    expect(a!.split('/').filter((s) => s.startsWith('{')).length).toBe(2);
    expect(templateOf('/repos/kalomi/tenvo/pulls')).not.toBe(a);
    expect(templateOf('/user')).toBe('/user');
    expect(templateOf('/emojis')).toBe('/emojis');
  });

  it('infers templates of a proxied API (resourcePath null) and keeps collections apart', () => {
    const r = rng(3);
    const evs: AccessEvent[] = [];
    for (let i = 0; i < 400; i++) {
      const id = Math.floor(r() * 1e9).toString(36) + Math.floor(r() * 1e9).toString(36);
      const coll = ['customers', 'invoices', 'orders', 'refunds'][i % 4];
      evs.push(ev(`/v2/${coll}/${id}`), ev(`/v2/${coll}/${id}/events`), ev(`/v2/${coll}`));
    }
    const { templateOf } = run(evs);
    const c = templateOf('/v2/customers/abc123def456');
    const o = templateOf('/v2/orders/abc123def456');
    expect(c).toMatch(/^\/v2\/customers\/\{[a-z_0-9]+\}$/);
    expect(o).toMatch(/^\/v2\/orders\/\{[a-z_0-9]+\}$/);
    expect(templateOf('/v2/customers')).toBe('/v2/customers');
    expect(templateOf('/v2/orders/zz9yy8xx7ww6/events')).toMatch(/^\/v2\/orders\/\{[a-z_0-9]+\}\/events$/);
  });

  it('uses resourcePath when present and aligns it with base segments the path carries', () => {
    const evs = [
      ev('/v3/companies/ACME1/users', { resourcePath: '/companies/{companyId}/users' }),
      ev('/v3/companies/GLOBEX2/users', { resourcePath: '/companies/{companyId}/users' }),
    ];
    const { templateOf } = run(evs);
    expect(templateOf('/v3/companies/ACME1/users')).toBe('/v3/companies/{companyId}/users');
    expect(templateOf('/v3/companies/OTHER9/users')).toBe('/v3/companies/{companyId}/users');
  });

  it('returns null for scanner probes that no route answered', () => {
    const evs = [...Array.from({ length: 20 }, (_, i) => ev(`/v1/items/${i + 100}`)), ev('/.env', { status: 403 }), ev('/wp-login.php', { status: 404 })];
    const { templateOf } = run(evs);
    expect(templateOf('/.env')).toBeNull();
    expect(templateOf('/wp-login.php')).toBeNull();
    expect(templateOf('/v1/items/100')).not.toBeNull();
  });

  it('resolves masked sensitive segments as parameters and reports their kind', () => {
    const evs: AccessEvent[] = [];
    for (let i = 0; i < 10; i++) evs.push(ev(`/v1/phones/*cn_mobile:138****56${i}8#8ae6891ca1d${i}/bills`));
    const { templateOf, state } = run(evs);
    const t = templateOf('/v1/phones/*cn_mobile:139****1111#aaaaaaaaaaaa/bills');
    expect(t).toMatch(/^\/v1\/phones\/\{[a-z_0-9]+\}\/bills$/);
    const ep = Object.values(state.endpoints).find((e) => e.template === t)!;
    expect(ep.sensitive).toContain('cn_mobile');
  });

  it('keeps published templates stable and records merges', () => {
    const r = rng(11);
    const first: AccessEvent[] = [ev('/orgs/acme/members'), ev('/orgs/globex/members')];
    const { d, state, templateOf } = run(first);
    const before = templateOf('/orgs/acme/members');
    expect(before).toBe('/orgs/acme/members');
    // Hours later, many more organisations, each called by its own members.
    const later: AccessEvent[] = [];
    for (let i = 0; i < 200; i++) {
      const org = word(r);
      later.push(ev(`/orgs/${org}/${['members', 'teams', 'repos'][i % 3]}`, { ts: T0 + 3 * 3_600_000 + i * 1000, principalId: `${org}-admin` }));
    }
    for (let i = 0; i < 100; i++) later.push(ev(['/meta', '/user'][i % 2], { ts: T0 + 3 * 3_600_000 + i * 1000 }));
    step(d, state, later);
    const after = d.resolver(state).templateOf('api.example.com', 'GET', '/orgs/acme/members');
    expect(after).toMatch(/^\/orgs\/\{[a-z_0-9]+\}\/members$/);
    const merge = state.changes.find((c) => c.kind === 'merge' && c.to === after);
    expect(merge).toBeDefined();
    expect(merge!.from).toContain('/orgs/acme/members');
    // The endpoint kept its history: counts of the old endpoints moved into it.
    const ep = state.endpoints[`api.example.com\tGET\t${after}`];
    expect(ep.aliases).toContain('/orgs/acme/members');
    expect(ep.firstSeen).toBe(first[0].ts);
    // Identity is kept from now on: more traffic does not change it.
    step(d, state, [ev('/orgs/newco/members', { ts: T0 + 5 * 3_600_000 })]);
    expect(d.resolver(state).templateOf('api.example.com', 'GET', '/orgs/acme/members')).toBe(after);
  });
});
