import { describe, expect, it } from 'vitest';
import { parseOpenApiSpec } from '../../shared/discover/index.ts';
import type { EndpointChangeRow, FileAssetRow } from '../../shared/emit/rows.ts';
import type { AnalysisOutput } from '../../shared/engine/types.ts';
import { ev, rng, run, step, T0, word } from './helpers.ts';

const H = 3_600_000;
const DAY = 24 * H;
type Rows<K extends keyof AnalysisOutput> = Array<NonNullable<AnalysisOutput[K]>[number]>;
const all = <K extends keyof AnalysisOutput>(outputs: AnalysisOutput[], k: K): Rows<K> => outputs.flatMap((o) => (o[k] ?? []) as Rows<K>);

/** Statement downloads on day 0 (two principals, anonymous callers from two IPs, one 404) and a first request on day 1. */
function fileTraffic() {
  const at = (h: number, m = 0) => T0 + h * H + m * 60_000;
  const f = (path: string, t: number, o: Parameters<typeof ev>[1] = {}) => ev(path, { ts: t, resourcePath: '/v1/statements/{statementId}.pdf', responseLength: 10_000, ...o });
  return [
    f('/v1/statements/1.pdf', at(8), { principalId: 'u-alice', ip: '203.0.113.1' }),
    f('/v1/statements/2.pdf', at(8, 5), { principalId: 'u-alice', ip: '203.0.113.1' }),
    f('/v1/statements/3.pdf', at(9), { principalId: 'u-bob', ip: '203.0.113.2' }),
    f('/v1/statements/4.pdf', at(10), { principalId: null, ip: '198.51.100.7', responseLength: 20_000 }),
    f('/v1/statements/5.pdf', at(10, 1), { principalId: null, ip: '198.51.100.8' }),
    f('/v1/statements/6.pdf', at(11), { principalId: null, ip: '198.51.100.7', status: 404, responseLength: 100 }),
    f('/v1/statements/7.pdf', at(12), { principalId: null, apiKeyId: 'key-1', ip: '198.51.100.9', query: 'email=*email:a***@example.com#1a2b3c' }),
    ev('/v1/accounts', { ts: at(12, 30) }),
    // The day's last window ends at midnight: the rows of day 0 are written then.
    ev('/v1/accounts', { ts: at(23, 59) }),
    f('/v1/statements/8.pdf', at(24, 10), { principalId: 'u-carol' }),
  ];
}

describe('discovery outputs: file_assets', () => {
  it('writes one row per file endpoint when its UTC day ends: downloads, anonymous ones, bytes, distinct and top downloaders, kinds', () => {
    const { outputs } = run(fileTraffic());
    const rows = all(outputs, 'fileAssets');
    expect(rows).toEqual<FileAssetRow[]>([{
      day: '2026-11-23', domain_name: 'api.example.com', method: 'GET', template: '/v1/statements/{statementId}.pdf', file_types: ['pdf'],
      requests: 7, downloads: 6, unauth_downloads: 2, bytes_total: 10_000 * 5 + 20_000,
      distinct_principals: 3, distinct_ips: 5,
      top_principals: { 'u-alice': 2, 'key-1': 1, 'u-bob': 1 },
      top_ips: { '203.0.113.1': 2, '198.51.100.7': 1, '198.51.100.8': 1, '198.51.100.9': 1, '203.0.113.2': 1 },
      sensitive_types: ['email'],
      first_seen: new Date(T0 + 8 * H).toISOString(), last_seen: new Date(T0 + 12 * H).toISOString(),
      snapshot_at: new Date(T0 + DAY).toISOString(),
    }]);
    // Written by the window that ends at midnight, not later.
    const writer = outputs.findIndex((o) => o.fileAssets?.length);
    expect(outputs.slice(writer + 1).some((o) => o.fileAssets?.length)).toBe(false);
  });

  it('writes a day that ended in a quiet stream with the next window, once, and the day a replay stopped in as of its end', () => {
    const events = fileTraffic().filter((e) => e.ts < T0 + 23 * H);
    const { d, state, outputs } = run(events);
    expect(all(outputs, 'fileAssets')).toEqual([]);
    const next = step(d, state, [ev('/v1/statements/8.pdf', { ts: T0 + DAY + 3 * H, resourcePath: '/v1/statements/{statementId}.pdf', principalId: 'u-carol' })]);
    expect(all(next, 'fileAssets').map((r) => [r.day, r.downloads, r.snapshot_at])).toEqual([['2026-11-23', 6, new Date(T0 + DAY).toISOString()]]);
    expect(all(step(d, state, [ev('/v1/accounts', { ts: T0 + DAY + 4 * H })]), 'fileAssets')).toEqual([]);
    const end = d.finish(state, { windowStart: T0 + DAY + 4 * H, windowEnd: T0 + DAY + 4 * H + 300_000, endpoints: d.resolver(state) });
    expect(end.fileAssets!.map((r) => [r.day, r.downloads, r.top_principals, r.snapshot_at])).toEqual([['2026-11-24', 1, { 'u-carol': 1 }, new Date(T0 + DAY + 4 * H + 300_000).toISOString()]]);
  });

  it('writes no file_assets row for an endpoint that served one large response among small ones (not a file asset)', () => {
    const events = [ev('/v1/reports', { ts: T0 + H, responseLength: 900_000 }), ...Array.from({ length: 5 }, (_, i) => ev('/v1/reports', { ts: T0 + H + (i + 1) * 1000, responseLength: 200 })), ev('/v1/reports', { ts: T0 + DAY - 1000 })];
    expect(all(run(events).outputs, 'fileAssets')).toEqual([]);
  });
});

describe('discovery outputs: endpoint_changes', () => {
  it('records each endpoint added, at its first request, with its key', () => {
    const { outputs } = run([ev('/v1/accounts', { ts: T0 + 1000, resourcePath: '/v1/accounts' }), ev('/v1/accounts/7', { ts: T0 + 2000, resourcePath: '/v1/accounts/{accountId}' }), ev('/v1/accounts', { ts: T0 + 400_000, resourcePath: '/v1/accounts' })]);
    expect(all(outputs, 'endpointChanges')).toEqual<EndpointChangeRow[]>([
      { changed_at: new Date(T0 + 1000).toISOString(), change: 'added', domain_name: 'api.example.com', method: 'GET', template: '/v1/accounts', before_templates: [], after_template: '/v1/accounts', before_keys: [], after_key: 'api.example.com GET /v1/accounts', reason: 'traffic' },
      { changed_at: new Date(T0 + 2000).toISOString(), change: 'added', domain_name: 'api.example.com', method: 'GET', template: '/v1/accounts/{accountId}', before_templates: [], after_template: '/v1/accounts/{accountId}', before_keys: [], after_key: 'api.example.com GET /v1/accounts/{accountId}', reason: 'traffic' },
    ]);
  });

  it('records a merge by inference with the templates and endpoint keys before and after, as discovery\'s state does', () => {
    const r = rng(11);
    const first = [ev('/orgs/acme/members'), ev('/orgs/globex/members')];
    const { d, state, outputs } = run(first);
    const later = [];
    for (let i = 0; i < 200; i++) {
      const org = word(r);
      later.push(ev(`/orgs/${org}/${['members', 'teams', 'repos'][i % 3]}`, { ts: T0 + 3 * H + i * 1000, principalId: `${org}-admin` }));
    }
    for (let i = 0; i < 100; i++) later.push(ev(['/meta', '/user'][i % 2], { ts: T0 + 3 * H + i * 1000 }));
    const rows = [...all(outputs, 'endpointChanges'), ...all(step(d, state, later), 'endpointChanges')];
    const after = d.resolver(state).templateOf('api.example.com', 'GET', '/orgs/acme/members')!;
    const merge = rows.find((c) => c.change === 'merge' && c.after_template === after)!;
    expect(merge.before_templates).toEqual(expect.arrayContaining(['/orgs/acme/members', '/orgs/globex/members']));
    expect(merge).toMatchObject({ template: after, after_key: `api.example.com GET ${after}`, reason: 'inference' });
    expect(merge.before_keys).toEqual(merge.before_templates.map((t) => `api.example.com GET ${t}`));
    // One row per change the state recorded, nothing else but additions (and removals of probe-only paths).
    expect(rows.filter((c) => c.change !== 'added' && c.change !== 'removed').map((c) => [c.change, c.after_template, c.before_templates])).toEqual(state.changes.map((c) => [c.kind, c.to, c.from]));
    expect(rows.filter((c) => c.change === 'added').map((c) => c.template)).toEqual(expect.arrayContaining(['/orgs/acme/members', '/meta', '/user']));
  });
});

describe('discovery outputs: orphans and the OpenAPI export', () => {
  const SPEC = parseOpenApiSpec(`
openapi: 3.0.3
info: { title: Shop, version: '1' }
servers: [{ url: 'https://api.example.com' }]
paths:
  /items/{itemId}: { get: {} }
  /items: { get: {}, post: {} }
`);

  it('lists spec operations never called as endpoint rows with spec_status orphan, at the day end and where a replay stops', () => {
    const { d, state, outputs } = run([ev('/items/7', { ts: T0 + H }), ev('/items', { ts: T0 + H + 1 }), ev('/items', { ts: T0 + DAY - 1 })], { spec: SPEC });
    const orphans = all(outputs, 'endpoints').filter((e) => e.spec_status === 'orphan');
    expect(orphans.map((e) => [e.domain_name, e.method, e.template, e.request_count, e.first_seen, e.snapshot_at])).toEqual([['api.example.com', 'POST', '/items', 0, null, new Date(T0 + DAY).toISOString()]]);
    expect(orphans[0]).toMatchObject({ source: 'verified', last_seen: null, is_file_asset: false });
    // Once called, it is in the spec, no longer an orphan.
    step(d, state, [ev('/items', { ts: T0 + DAY + H, method: 'POST' })]);
    const end = d.finish(state, { windowStart: T0 + DAY + H, windowEnd: T0 + DAY + H + 300_000, endpoints: d.resolver(state) });
    expect(end.endpoints!.filter((e) => e.spec_status === 'orphan')).toEqual([]);
    expect(end.endpoints!.find((e) => e.method === 'POST')).toMatchObject({ template: '/items', spec_status: 'in_spec', request_count: 1 });
  });

  it('writes each domain\'s OpenAPI 3.1 document at the day end (openapi/<domain>.json), and where a replay stops', () => {
    const { d, state, outputs } = run([ev('/items/7', { ts: T0 + H }), ev('/items/7', { ts: T0 + DAY - 1, domainName: 'shop.example.com' })], { spec: SPEC });
    const docs = all(outputs, 'documents');
    expect(docs.map((x) => x.key)).toEqual(['openapi/api.example.com.json', 'openapi/shop.example.com.json']);
    expect(docs[0].body).toMatchObject({ openapi: '3.1.0', paths: { '/items/{itemId}': { get: { 'x-apiscope': { specStatus: 'in_spec', requestCount: 1 } } } } });
    expect(outputs.filter((o) => o.documents?.length)).toHaveLength(1);
    const end = d.finish(state, { windowStart: T0 + DAY, windowEnd: T0 + DAY + 300_000, endpoints: d.resolver(state) });
    expect(end.documents!.map((x) => x.key)).toEqual(['openapi/api.example.com.json', 'openapi/shop.example.com.json']);
  });
});
