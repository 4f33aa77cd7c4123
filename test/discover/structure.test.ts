import { describe, expect, it } from 'vitest';
import { ev, rng, run, step, T0 } from './helpers.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { MAX_CHILDREN } from '../../shared/discover/pathTrie.ts';

const tok = (r: () => number, n = 20) => { const a = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'; let s = ''; for (let i = 0; i < n; i++) s += a[Math.floor(r() * a.length)]; return s; };

describe('structure rules', () => {
  it('takes words with alike subtrees as values of one parameter', () => {
    const r = rng(5);
    const evs: AccessEvent[] = [];
    const methods = ['cert', 'duo', 'sms', 'push', 'email'];
    for (let i = 0; i < 120; i++) {
      const a = 'aut' + tok(r, 17);
      evs.push(ev(`/api/v1/authenticators/${a}/methods/${methods[i % 5]}/lifecycle/${i % 2 ? 'activate' : 'deactivate'}`));
      evs.push(ev(`/api/v1/authenticators/${a}`));
    }
    const { templateOf } = run(evs);
    const t = templateOf('/api/v1/authenticators/autAAAAbbbbCCCCdddd11/methods/duo/lifecycle/activate');
    expect(t).toMatch(/^\/api\/v1\/authenticators\/\{[a-z_0-9]+\}\/methods\/\{[a-z_0-9]+\}\/lifecycle\/activate$/);
    expect(templateOf('/api/v1/authenticators/autAAAAbbbbCCCCdddd11/methods/sms/lifecycle/activate')).toBe(t);
    expect(templateOf('/api/v1/authenticators/autAAAAbbbbCCCCdddd11/methods/sms/lifecycle/deactivate')).not.toBe(t);
  });

  it('keeps distinct sub-resources of an identifier apart', () => {
    const r = rng(9);
    const evs: AccessEvent[] = [];
    const subs = ['roles', 'factors', 'groups', 'lifecycle/activate', 'lifecycle/suspend', 'credentials/change_password'];
    for (let i = 0; i < 300; i++) evs.push(ev(`/api/v1/users/00u${tok(r, 17)}/${subs[i % subs.length]}`));
    const { templateOf } = run(evs);
    const roles = templateOf('/api/v1/users/00uXXXXyyyyZZZZwwww1/roles');
    const factors = templateOf('/api/v1/users/00uXXXXyyyyZZZZwwww1/factors');
    expect(roles).toMatch(/\/roles$/);
    expect(factors).toMatch(/\/factors$/);
    expect(templateOf('/api/v1/users/00uXXXXyyyyZZZZwwww1/lifecycle/suspend')).toMatch(/\/lifecycle\/suspend$/);
  });

  it('treats upper-case codes beside numeric ids as the same parameter', () => {
    const evs: AccessEvent[] = [];
    for (let i = 0; i < 40; i++) evs.push(ev(`/rest/api/3/project/${10000 + i * 13}/components`));
    for (const k of ['API', 'WEB', 'MOB', 'PAY']) for (let i = 0; i < 10; i++) evs.push(ev(`/rest/api/3/project/${k}/components`));
    const { templateOf } = run(evs);
    expect(templateOf('/rest/api/3/project/API/components')).toBe(templateOf('/rest/api/3/project/10013/components'));
  });

  it('keeps the state bounded: identifier fan-out folds into one child', () => {
    const evs: AccessEvent[] = [];
    for (let i = 0; i < MAX_CHILDREN + 500; i++) evs.push(ev(`/v1/events/${100000 + i}`));
    const { state, templateOf } = run(evs);
    const node = state.domains['api.example.com'].trie.c!.v1.c!.events;
    expect(Object.keys(node.c!).length).toBeLessThanOrEqual(MAX_CHILDREN + 1);
    expect(templateOf('/v1/events/100001')).toBe(templateOf('/v1/events/999999999'));
  });

  it('keeps the state bounded for word values too, once the position is known to hold values', () => {
    const evs: AccessEvent[] = [];
    const r = rng(33);
    const name = () => { const a = 'abcdefghijklmnopqrstuvwxyz'; let s = ''; for (let i = 0; i < 9; i++) s += a[Math.floor(r() * 26)]; return s; };
    for (let i = 0; i < 400; i++) evs.push(ev(`/users/${name()}`, { ts: T0 + i * 100 }));
    const a = run(evs, { overrides: { params: [{ template: '/users/{username}' }] } });
    const more: AccessEvent[] = [];
    for (let i = 0; i < MAX_CHILDREN + 300; i++) more.push(ev(`/users/${name()}`, { ts: T0 + 3_600_000 + i * 100 }));
    step(a.d, a.state, more);
    const node = a.state.domains['api.example.com'].trie.c!.users;
    expect(Object.keys(node.c!).length).toBeLessThanOrEqual(MAX_CHILDREN + 1);
    expect(a.d.resolver(a.state).templateOf('api.example.com', 'GET', '/users/zzzyyyxxx')).toMatch(/^\/users\/\{[a-z_0-9]+\}$/);
  });

  it('resolves the same after the state went through JSON (a restarted function)', () => {
    const r = rng(21);
    const evs: AccessEvent[] = [];
    for (let i = 0; i < 200; i++) evs.push(ev(`/v2/orders/${tok(r, 16)}/${i % 3 ? 'items' : 'refunds'}`, { ts: T0 + i * 30_000 }));
    const a = run(evs);
    const restored = JSON.parse(JSON.stringify(a.state));
    const resolver = a.d.resolver(restored);
    for (const p of ['/v2/orders/abcDEF123ghiJKL4/items', '/v2/orders/zzzYYY999xxxWWW8/refunds']) {
      expect(resolver.templateOf('api.example.com', 'GET', p)).toBe(a.templateOf(p));
    }
    // and keeps learning from there
    step(a.d, restored, [ev('/v2/orders/qqqRRR777sssTTT6/items', { ts: T0 + 7_200_000 })]);
    expect(a.d.resolver(restored).templateOf('api.example.com', 'GET', '/v2/orders/qqqRRR777sssTTT6/items')).toBe(a.templateOf('/v2/orders/abcDEF123ghiJKL4/items'));
  });

  it('keeps resource names after a version literal even when each was called once', () => {
    const names = ['accounts', 'alerts', 'audit', 'billing', 'branches', 'catalog', 'charges', 'clients', 'devices', 'domains', 'events', 'exports',
      'features', 'groups', 'hooks', 'imports', 'invoices', 'jobs', 'keys', 'labels', 'logs', 'members', 'notes', 'orders', 'plans'];
    const evs = names.map((n) => ev(`/api/3/${n}`));
    const { templateOf } = run(evs);
    expect(templateOf('/api/3/accounts')).toBe('/api/3/accounts');
    expect(templateOf('/api/3/plans')).toBe('/api/3/plans');
  });
});
