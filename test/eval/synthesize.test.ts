import { describe, expect, it } from 'vitest';
import { cleanSpecPath, extractRoutes } from '../../eval/broad/extractTemplates.ts';
import { candidateOrder, loadApi } from '../../eval/broad/loadSpecs.ts';
import { RouteTable, dedupeRoutes } from '../../eval/broad/routeTable.ts';
import { synthesizeApi } from '../../eval/broad/synthesize.ts';
import { Rng } from '../../eval/broad/rng.ts';
import { nameTokens, styleFor } from '../../eval/broad/valueStyles.ts';

const FIELDS = ['requestId', 'ip', 'requestTime', 'requestTimeEpoch', 'httpMethod', 'path', 'resourcePath', 'status', 'protocol', 'responseLength', 'userAgent', 'principalId', 'apiKeyId', 'integrationLatency', 'responseLatency', 'domainName', 'stage', 'errorMessage'];

const oas3 = {
  openapi: '3.0.0',
  info: { title: 'Toy' },
  servers: [{ url: 'https://api.toy.test/{ver}', variables: { ver: { default: 'v2' } } }],
  components: {
    parameters: { Owner: { name: 'owner', in: 'path', required: true, schema: { $ref: '#/components/schemas/Name' } } },
    schemas: { Name: { type: 'string' }, Kind: { type: 'string', enum: ['special'] } },
  },
  paths: {
    '/users/{id}': { get: { parameters: [{ name: 'id', in: 'path', schema: { type: 'integer' } }] } },
    '/users/{userId}': { delete: {}, get: {} },
    '/users/me': { get: {} },
    '/repos/{owner}/{repo}/branches/{branch}': { parameters: [{ $ref: '#/components/parameters/Owner' }], get: { parameters: [{ name: 'repo', in: 'path', schema: { type: 'string' } }, { name: 'branch', in: 'path', schema: { type: 'string' } }] } },
    '/things/special': { get: {} },
    '/things/{kind}': { get: { parameters: [{ name: 'kind', in: 'path', schema: { $ref: '#/components/schemas/Kind' } }] } },
    '/members/{phoneNumber}': { get: { parameters: [{ name: 'phoneNumber', in: 'path', schema: { type: 'string' } }] } },
    '/files/{Key+}': { get: {} },
    '/#X-Amz-Target=Foo': { post: {} },
    '/bad/{}': { get: {} },
    '/v1/{+name}:cancel': { post: {} },
  },
};

const swagger2 = {
  swagger: '2.0',
  info: { title: 'Old' },
  host: 'legacy.test:8443',
  basePath: '/api/',
  parameters: { Id: { name: 'orderId', in: 'path', type: 'string', format: 'uuid' } },
  paths: { '/orders/{orderId}': { get: { parameters: [{ $ref: '#/parameters/Id' }] } } },
};

describe('spec extraction', () => {
  it('resolves refs, server variables and base paths (OpenAPI 3)', () => {
    const r = extractRoutes('toy', oas3);
    expect(r.host).toBe('api.toy.test');
    expect(r.basePath).toBe('/v2');
    const repo = r.ops.find((o) => o.specPath.startsWith('/repos'))!;
    expect(repo.path).toBe('/v2/repos/{owner}/{repo}/branches/{branch}');
    expect(repo.params.map((p) => [p.name, p.type])).toEqual([['owner', 'string'], ['repo', 'string'], ['branch', 'string']]);
    expect(r.ops.find((o) => o.specPath === '/things/{kind}')!.params[0].enum).toEqual(['special']);
    expect(r.ops.find((o) => o.specPath === '/files/{Key+}')!.params[0]).toMatchObject({ name: 'Key', greedy: true });
    // The query-style AWS route is the path `/`; the empty and RFC 6570 names are broken.
    expect(r.ops.find((o) => o.specPath === '/#X-Amz-Target=Foo')!.path).toBe('/v2');
    expect(r.dropped).toEqual({ 'broken_path:empty_param_name': 1, 'broken_path:rfc6570_expansion': 1 });
  });

  it('reads Swagger 2 host, basePath and parameter refs', () => {
    const r = extractRoutes('old', swagger2);
    expect(r.host).toBe('legacy.test');
    expect(r.ops).toEqual([{ method: 'GET', path: '/api/orders/{orderId}', specPath: '/orders/{orderId}', params: [{ name: 'orderId', type: 'string', format: 'uuid' }] }]);
  });

  it('cleans or rejects spec paths', () => {
    expect(cleanSpecPath('/a//b/')).toEqual({ path: '/a/b' });
    expect(cleanSpecPath('/{Bucket}?uploads')).toEqual({ path: '/{Bucket}' });
    expect(cleanSpecPath('/api/%3Fsource=x&id={id}')).toEqual({ path: '/api' });
    expect(cleanSpecPath('/a/{b')).toEqual({ broken: 'unbalanced_braces' });
    expect(cleanSpecPath('/a/{x}{y}')).toEqual({ broken: 'adjacent_params' });
    expect(cleanSpecPath('/a b')).toEqual({ broken: 'whitespace' });
  });

  it('folds routes that differ only in parameter names', () => {
    const r = extractRoutes('toy', oas3);
    const d = dedupeRoutes(r.ops);
    expect(d.counts.sameRoute).toBe(1);
    expect(d.ops.filter((o) => o.method === 'GET' && /\/users\/\{/.test(o.path)).map((o) => o.specPath)).toEqual(['/users/{id}']);
  });
});

describe('route table', () => {
  const t = new RouteTable(dedupeRoutes(extractRoutes('toy', oas3).ops).ops);
  it('prefers literal segments, as a gateway does', () => {
    expect(t.best('GET', '/v2/users/me')!.template).toBe('/v2/users/me');
    expect(t.best('GET', '/v2/users/42')!.template).toBe('/v2/users/{id}');
    expect(t.best('GET', '/v2/files/a/b/c.txt')!.template).toBe('/v2/files/{Key+}');
    expect(t.best('GET', '/v2/.env')).toBeNull();
  });
});

describe('traffic synthesizer', () => {
  const api = loadApi('toy', oas3, 1);
  if ('skip' in api) throw new Error(api.skip);

  it('is deterministic per seed and differs across seeds', () => {
    const a = synthesizeApi(api.routes, { seed: 7 }), b = synthesizeApi(api.routes, { seed: 7 }), c = synthesizeApi(api.routes, { seed: 8 });
    expect(b.records).toEqual(a.records);
    expect(c.records).not.toEqual(a.records);
  });

  it('writes the dev sample record format: fixed keys, every value a string, event time in order', () => {
    for (const proxied of [true, false]) {
      const s = synthesizeApi(api.routes, { seed: 3, proxied });
      let last = 0;
      for (const line of s.records) {
        const o = JSON.parse(line) as Record<string, unknown>;
        expect(Object.keys(o)).toEqual(FIELDS);
        for (const v of Object.values(o)) expect(typeof v).toBe('string');
        const ts = Number(o.requestTimeEpoch);
        expect(ts).toBeGreaterThanOrEqual(last);
        last = ts;
        if (s.executeApi) expect(o.path).toMatch(new RegExp(`^/${s.stage}/`));
        const route = o.resourcePath as string;
        if (proxied) expect(route).toBe('/{proxy+}');
        else expect(route === '-' || route.startsWith('/v2')).toBe(true);
      }
    }
  });

  it('labels every path with the route a gateway would pick, and drops routes a literal sibling always wins', () => {
    const table = new RouteTable(api.routes.ops);
    for (const seed of [1, 2, 3, 4]) {
      const s = synthesizeApi(api.routes, { seed, proxied: false });
      expect(s.indistinguishable).toEqual(['GET /v2/things/{kind}']);
      const prefix = s.executeApi ? `/${s.stage}` : '';
      for (const t of s.truth) {
        const routePath = t.path.slice(prefix.length);
        if (t.template === null) expect(table.best(t.method, routePath)).toBeNull();
        else expect(prefix + table.best(t.method, routePath)!.template).toBe(t.template);
      }
      expect(s.truth.some((t) => t.template?.endsWith('/users/me'))).toBe(true);
      expect(s.truth.every((t) => !t.template?.endsWith('/things/{kind}'))).toBe(true);
    }
  });

  it('lets raw slashes of git refs through only behind a greedy proxy route', () => {
    const branchDepth = (s: ReturnType<typeof synthesizeApi>) => s.truth.filter((t) => t.template?.includes('/branches/') && t.path.split('/').length > t.template.split('/').length).length;
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(seeds.some((seed) => branchDepth(synthesizeApi(api.routes, { seed, proxied: true })) > 0)).toBe(true);
    expect(seeds.every((seed) => branchDepth(synthesizeApi(api.routes, { seed, proxied: false })) === 0)).toBe(true);
  });

  it('doubles the requests at volume 2', () => {
    const one = synthesizeApi(api.routes, { seed: 5 }), two = synthesizeApi(api.routes, { seed: 5, volume: 2 });
    const routed = (s: typeof one) => s.truth.filter((t) => t.template).reduce((n, t) => n + t.count, 0);
    expect(routed(two) / routed(one)).toBeGreaterThan(1.8);
    expect(routed(two) / routed(one)).toBeLessThan(2.2);
  });
});

describe('value styles', () => {
  it('splits parameter names into words, lowercase compounds too', () => {
    expect(nameTokens('resourceGroupName')).toEqual(['resource', 'group', 'name']);
    expect(nameTokens('raceid')).toEqual(['race', 'id']);
    expect(nameTokens('repo_slug')).toEqual(['repo', 'slug']);
  });

  it('chooses styles from names and schemas', () => {
    const r = new Rng(1);
    expect(styleFor({ name: 'phoneNumber', type: 'string' }, r)).toBe('phone');
    expect(styleFor({ name: 'kind', enum: ['a', 'b'] }, r)).toBe('enum');
    expect(styleFor({ name: 'ref', type: 'string' }, r)).toBe('gitref');
    expect(styleFor({ name: 'locale' }, r)).toBe('locale');
    expect(styleFor({ name: 'workspace' }, r)).toMatch(/^(word|slug)$/);
    expect(styleFor({ name: 'accountSid', pattern: '^AC[0-9a-fA-F]{32}$' }, r)).toBe('pattern');
    expect(styleFor({ name: 'Key', greedy: true }, r)).toBe('path');
  });
});

describe('spec sample', () => {
  it('caps each provider at the square root of its spec count, deterministically per seed', () => {
    const ids = [...Array.from({ length: 16 }, (_, i) => `big.com/s${i}`), 'one.org', 'two.net/a'];
    const o1 = candidateOrder(ids, 1);
    expect(o1.filter((x) => x.startsWith('big.com/'))).toHaveLength(4);
    expect(o1).toContain('one.org');
    expect(candidateOrder(ids, 1)).toEqual(o1);
    expect(candidateOrder(ids, 2)).not.toEqual(o1);
  });
});
