import { describe, expect, it } from 'vitest';
import { compareWithSpec, exportOpenApi, parseOpenApiSpec, parseOverrides, DiscoveryOverridesError, SpecImportError } from '../../shared/discover/index.ts';
import { ev, run, T0 } from './helpers.ts';

const OAS3_YAML = `
openapi: 3.0.3
info: { title: Shop, version: '1' }
servers:
  - url: https://api.example.com/{base}
    variables: { base: { default: v1 } }
paths:
  /items/{itemId}:
    get: { operationId: getItem }
    delete: { deprecated: true }
  /items:
    get: {}
  /reports/{reportId}/download:
    get: {}
`;

const SWAGGER2_JSON = JSON.stringify({
  swagger: '2.0',
  info: { title: 'Legacy', version: '1' },
  host: 'legacy.example.com',
  basePath: '/api',
  paths: { '/accounts/{id}': { get: {}, put: {} }, '/accounts/{id}/cards': { post: { deprecated: true } } },
});

describe('spec import', () => {
  it('reads OpenAPI 3 YAML with server variables as base path', () => {
    const spec = parseOpenApiSpec(OAS3_YAML);
    expect(spec.hosts).toEqual(['api.example.com']);
    expect(spec.basePath).toBe('/v1');
    expect(spec.operations).toContainEqual({ method: 'GET', template: '/v1/items/{itemId}', deprecated: false, operationId: 'getItem' });
    expect(spec.operations).toContainEqual({ method: 'DELETE', template: '/v1/items/{itemId}', deprecated: true });
    expect(spec.operations).toHaveLength(4);
  });

  it('reads Swagger 2 JSON with basePath', () => {
    const spec = parseOpenApiSpec(SWAGGER2_JSON);
    expect(spec.hosts).toEqual(['legacy.example.com']);
    expect(spec.operations.map((o) => `${o.method} ${o.template}`).sort()).toEqual(['GET /api/accounts/{id}', 'POST /api/accounts/{id}/cards', 'PUT /api/accounts/{id}']);
  });

  it('rejects what is not a spec', () => {
    expect(() => parseOpenApiSpec('{"foo": 1}')).toThrow(SpecImportError);
    expect(() => parseOpenApiSpec('openapi: 3.0.0\ninfo: {}\n')).toThrow(/paths/);
  });

  it('uses spec operations as verified templates and reports shadow, zombie and orphan endpoints', () => {
    const spec = parseOpenApiSpec(OAS3_YAML);
    const evs = [
      ev('/v1/items/Blue-Chair'), // a word id: only the spec can tell it is a parameter
      ev('/v1/items/Blue-Chair', { method: 'DELETE' }),
      ev('/v1/items'),
      ev('/v1/internal/debug'),
      ev('/v9/elsewhere', { domainName: 'other.example.com' }),
    ];
    const { state, templateOf, d } = run(evs, { spec });
    expect(templateOf('/v1/items/Blue-Chair')).toBe('/v1/items/{itemId}');
    const info = d.resolver(state).endpointInfo('api.example.com', 'GET', '/v1/items/{itemId}');
    expect(info?.source).toBe('verified');
    expect(info?.specStatus).toBe('in_spec');
    // other.example.com is not described by this spec (it names api.example.com): no shadow endpoints there.
    const cmp = compareWithSpec(state);
    expect(cmp.shadow.map((e) => e.template)).toEqual(['/v1/internal/debug']);
    expect(cmp.zombie.map((e) => `${e.method} ${e.template}`)).toEqual(['DELETE /v1/items/{itemId}']);
    expect(cmp.orphan.map((o) => o.template)).toEqual(['/v1/reports/{reportId}/download']);
    const rows = d.finish(state, { windowStart: T0, windowEnd: T0 + 300_000, endpoints: d.resolver(state) }).endpoints!;
    expect(rows.find((r) => r.template === '/v1/internal/debug')?.spec_status).toBe('shadow');
    expect(rows.find((r) => r.method === 'DELETE')?.spec_status).toBe('deprecated');
    expect(rows.find((r) => r.domain_name === 'other.example.com')?.spec_status).toBe('no_spec');
  });
});

describe('overrides', () => {
  it('validates and names the offending field', () => {
    expect(() => parseOverrides({ literals: [{ template: 'users/me' }] })).toThrow(DiscoveryOverridesError);
    expect(() => parseOverrides({ literals: [{ template: 'users/me' }] })).toThrow(/overrides\.literals\[0\]\.template: must start with "\/"/);
    expect(() => parseOverrides({ merges: [{ from: [], into: '/a' }] })).toThrow(/overrides\.merges\[0\]\.from/);
    expect(() => parseOverrides({ pins: [] })).toThrow(/pins/);
  });

  it('forces parameters, pins literals and merges endpoints, surviving re-inference', () => {
    const evs = [
      ev('/teams/red/players'), ev('/teams/blue/players'), ev('/teams/all/players'),
      ev('/v1/users/123'), ev('/v1/users/456'), ev('/v1/users/current'),
      ev('/v1/health'), ev('/v1/healthz'),
    ];
    const overrides = {
      params: [{ template: '/teams/{team}/players' }],
      literals: [{ template: '/teams/all/players' }],
      merges: [{ from: ['/v1/health', '/v1/healthz'], into: '/v1/health' }],
    };
    const { templateOf, d, state } = run(evs, { overrides });
    const t = templateOf('/teams/red/players');
    expect(t).toMatch(/^\/teams\/\{[a-z_0-9]+\}\/players$/);
    expect(templateOf('/teams/green/players')).toBe(t);
    expect(templateOf('/teams/all/players')).toBe('/teams/all/players');
    expect(templateOf('/v1/healthz')).toBe('/v1/health');
    // Re-inference on more traffic keeps the operator's decisions.
    const more = Array.from({ length: 50 }, (_, i) => ev(`/teams/t${i}x/players`, { ts: T0 + 7_200_000 + i }));
    (d as any).closeWindow(more, state, { windowStart: T0 + 7_200_000, windowEnd: T0 + 7_500_000, endpoints: d.resolver(state) });
    expect(d.resolver(state).templateOf('api.example.com', 'GET', '/teams/all/players')).toBe('/teams/all/players');
    expect(d.resolver(state).templateOf('api.example.com', 'GET', '/v1/healthz')).toBe('/v1/health');
  });
});

describe('inventory and export', () => {
  it('emits hourly snapshots and a final snapshot with the inventory', () => {
    const evs = [
      ev('/v1/files/q3-report.pdf', { responseLength: 900_000, principalId: 'alice' }),
      ev('/v1/files/q4-report.xlsx', { responseLength: 700_000, principalId: null, ts: T0 + 60_000 }),
      ev('/v1/files/budget.xlsx', { responseLength: 600_000, ts: T0 + 70_000 }),
      ev('/v1/files/q4-report.xlsx', { status: 404, ts: T0 + 3_590_000 }),
      ev('/v1/ping', { ts: T0 + 3_700_000 }),
    ];
    const { outputs, state, d } = run(evs);
    const hourly = outputs.flatMap((o) => o.endpoints ?? []);
    const rows = d.finish(state, { windowStart: T0 + 3_600_000, windowEnd: T0 + 3_900_000, endpoints: d.resolver(state) }).endpoints!;
    const file = rows.find((r) => r.template.startsWith('/v1/files/'))!;
    // The hour's snapshot, at the hour's end, holds the endpoint of that hour; /v1/ping came after it.
    expect(hourly.map((r) => [r.template, r.snapshot_at])).toEqual([[file.template, new Date(T0 + 3_600_000).toISOString()]]);
    expect(file.is_file_asset).toBe(true);
    expect(file.file_types.sort()).toEqual(['pdf', 'xlsx']);
    expect(file.request_count).toBe(4);
    expect(file.status_4xx).toBe(1);
    expect(file.auth_requests + file.unauth_requests).toBe(4);
    expect(file.unauth_requests).toBe(1);
    expect(Object.values(file.param_types)).toEqual(['filename']);
    expect(rows.find((r) => r.template === '/v1/ping')?.is_file_asset).toBe(false);
  });

  it('exports a valid OpenAPI 3.1 document with typed path parameters', () => {
    const evs = Array.from({ length: 30 }, (_, i) => ev(`/v1/orders/${5000 + i}/lines`, { method: i % 2 ? 'GET' : 'POST' }));
    const { state } = run(evs);
    const doc = exportOpenApi(state, 'api.example.com') as any;
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    expect(paths).toHaveLength(1);
    const ops = doc.paths[paths[0]];
    expect(Object.keys(ops).sort()).toEqual(['get', 'post']);
    const ids = new Set<string>();
    for (const [p, item] of Object.entries<any>(doc.paths)) {
      const names = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values<any>(item)) {
        expect(op.parameters.map((x: any) => x.name)).toEqual(names);
        for (const prm of op.parameters) { expect(prm.in).toBe('path'); expect(prm.required).toBe(true); }
        expect(ids.has(op.operationId)).toBe(false);
        ids.add(op.operationId);
        // All 30 requests were answered 200: one response class, with the count seen per method.
        expect(op.responses).toEqual({ '2XX': { description: '15 responses observed' } });
      }
    }
    expect(ops.get.parameters[0].schema).toEqual({ type: 'integer', minimum: 0 });
  });
});
