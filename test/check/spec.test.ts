import { describe, expect, it } from 'vitest';
import { createDefectsAnalysis, matchOperation, parseSpec } from '../../shared/check/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import { fixedDiscovery } from './fixtures.ts';

const swagger2 = {
  swagger: '2.0', info: { title: 'Legacy' }, host: 'legacy.example.com', basePath: '/api', schemes: ['http', 'https'],
  securityDefinitions: { key: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
  paths: { '/users/{userId}': { get: { security: [{ key: [] }] }, delete: {} } },
};

describe('spec import', () => {
  it('reads Swagger 2: base path, hosts, plain http, per-operation security', () => {
    const m = parseSpec(swagger2)!;
    expect(m.hosts).toEqual(['legacy.example.com']);
    expect(m.plainHttpServers).toEqual(['http://legacy.example.com/api']);
    expect(m.operations.map((o) => [o.method, o.path, o.secured])).toEqual([['GET', '/api/users/{userId}', true], ['DELETE', '/api/users/{userId}', false]]);
    expect(m.operations[0].requiresPrincipal).toBe(false); // an API key satisfies it
  });

  it('knows which operations need a principal (bearer / OAuth) rather than just an API key', () => {
    const m = parseSpec({
      openapi: '3.0.0', info: { title: 't' }, security: [{ bearer: [] }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, key: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
      paths: { '/a': { get: {} }, '/b': { get: { security: [{ key: [] }, { bearer: [] }] } }, '/c': { get: { security: [{ key: [], bearer: [] }] } } },
    })!;
    expect(m.operations.map((o) => [o.path, o.requiresPrincipal])).toEqual([['/a', true], ['/b', false], ['/c', true]]);
  });

  it('matches observed templates with other placeholder names or an extra stage prefix', () => {
    const m = parseSpec(swagger2)!;
    expect(matchOperation(m, 'GET', '/api/users/{id}')?.path).toBe('/api/users/{userId}');
    expect(matchOperation(m, 'GET', '/prod/api/users/{id}')?.path).toBe('/api/users/{userId}');
    expect(matchOperation(m, 'GET', '/api/users/{id}/cards')).toBeNull();
    expect(matchOperation(m, 'POST', '/api/users/{id}')).toBeNull();
  });

  it('rejects a value that is not an OpenAPI document', () => {
    expect(parseSpec({ hello: 'world' })).toBeNull();
    expect(() => createDefectsAnalysis({ spec: { hello: 'world' } })).toThrow(/not an OpenAPI/);
  });

  it('binds a spec without servers to one domain with { domainName, document }', () => {
    const doc = { openapi: '3.0.0', info: { title: 'Bound' }, security: [{ k: [] }], paths: { '/a': { get: {} } } };
    const ev = (i: number, domainName: string) => ({ requestId: `r${i}`, ts: Date.parse('2026-11-23T00:00:00Z') + i, ip: '1', method: 'GET', path: '/b', query: '', resourcePath: null, status: 200, protocol: 'HTTP/1.1', responseLength: 1, userAgent: 'u', principalId: 'p', apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName, stage: 's', errorMessage: null });
    const templates = new Map([['x.example.com GET /b', '/b'], ['y.example.com GET /b', '/b']]);
    const { outputs } = runInMemory([ev(1, 'x.example.com'), ev(2, 'y.example.com'), ev(3, 'x.example.com'), ev(4, 'x.example.com')], fixedDiscovery(templates), [createDefectsAnalysis({ checks: ['shadow_endpoint'], spec: { domainName: 'x.example.com', document: doc } })]);
    const rows = outputs.defects.flatMap((o) => o.defects ?? []);
    expect(rows.map((r) => [r.defect_type, r.domain_name, r.template])).toEqual([['shadow_endpoint', 'x.example.com', '/b']]);
  });
});

describe("discovery's imported inventory as the spec", () => {
  it('drives the inventory checks and skips the security posture checks', async () => {
    const { parseOpenApiSpec } = await import('../../shared/discover/index.ts');
    const spec = parseOpenApiSpec(JSON.stringify({ openapi: '3.0.0', info: { title: 'Inv' }, servers: [{ url: 'https://inv.example.com' }], paths: { '/v2/items/{id}': { get: {} }, '/v2/list': { get: { deprecated: true } } } }));
    const ev = (i: number, path: string) => ({ requestId: `r${i}`, ts: Date.parse('2026-11-23T00:00:00Z') + i, ip: '1', method: 'GET', path, query: '', resourcePath: null, status: 200, protocol: 'HTTP/1.1', responseLength: 1, userAgent: 'u', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'inv.example.com', stage: 's', errorMessage: null });
    const evs = [1, 2, 3].flatMap((i) => [ev(i, `/v2/items/${i}`), ev(10 + i, '/v2/list'), ev(20 + i, '/v1/items/' + i), ev(30 + i, '/debug')]);
    const templates = new Map<string, string | null>([...[1, 2, 3].map((i) => [`inv.example.com GET /v2/items/${i}`, '/v2/items/{id}'] as const), ...[1, 2, 3].map((i) => [`inv.example.com GET /v1/items/${i}`, '/v1/items/{id}'] as const), ['inv.example.com GET /v2/list', '/v2/list'], ['inv.example.com GET /debug', '/debug']]);
    const { outputs } = runInMemory(evs, fixedDiscovery(templates), [createDefectsAnalysis({ spec })]);
    const types = [...new Set(outputs.defects.flatMap((o) => o.defects ?? []).map((r) => `${r.defect_type} ${r.template}`))].sort();
    expect(types).toEqual(['deprecated_version /v2/list', 'shadow_endpoint /debug', 'zombie_endpoint /v1/items/{id}']);
  });
});
