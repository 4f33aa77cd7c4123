import { describe, expect, it } from 'vitest';
import { codeOfDigest, digestOfCode, idCode, idDigest, newProfile, ringAdd, type Profile } from '../../shared/score/state.ts';
import { newProfileRings } from '../../shared/score/ringIndex.ts';
import { Members } from '../../shared/score/members.ts';
import { PathCache, idsOf } from '../../shared/score/pathCache.ts';
import { buildWindow, newWindowCaches } from '../../shared/score/window.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import type { EndpointResolver } from '../../shared/engine/types.ts';

/** A seeded stream of small integers (deterministic tests). */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('id digest codes', () => {
  it('map digests to codes and back, and reject strings idDigest never writes', () => {
    for (const v of ['42', 'abc', '', 'tok_9f8e', '00000000-0000-4000-8000-000000000000']) {
      expect(digestOfCode(idCode(v))).toBe(idDigest(v));
      expect(codeOfDigest(idDigest(v))).toBe(idCode(v));
    }
    expect(codeOfDigest('1z141z3')).toBe(0xffffffff | 0);
    for (const bad of ['', '00', '0a', 'A', '1z141z4', 'abc-', '12345678']) expect(codeOfDigest(bad)).toBeNull();
  });
});

describe('ring index', () => {
  it('updates rings exactly like ringAdd and answers membership like includes', () => {
    const next = rng(7);
    const rings = newProfileRings();
    const ring: string[] = [], plain: string[] = [];
    for (let w = 0; w < 40; w++) {
      const codes = Array.from({ length: 1 + Math.floor(next() * 30) }, () => idCode(String(Math.floor(next() * 120))));
      const distinct = [...new Set(codes)];
      const skip = Math.max(0, distinct.length - 16);
      rings.ids.addAll(ring, distinct, 16, skip);
      for (const c of distinct.slice(skip)) ringAdd(plain, digestOfCode(c), 16);
      expect(ring).toEqual(plain);
      const known = rings.ids.setOf(ring);
      for (let v = 0; v < 120; v++) expect(known.has(idCode(String(v)))).toBe(plain.includes(idDigest(String(v))));
      rings.ids.endWindow();
    }
  });

  it('notices a ring changed behind its back, and keeps array semantics for a ring with a value twice', () => {
    const rings = newProfileRings();
    const ring = ['10.0.0.1', '10.0.0.2'];
    expect(rings.ips.setOf(ring).has('10.0.0.2')).toBe(true);
    ring.push('10.0.0.3');
    expect(rings.ips.setOf(ring).has('10.0.0.3')).toBe(true);
    const twice = ['10.0.0.1', '10.0.0.1', '10.0.0.2'], plain = [...twice];
    rings.ips.addAll(twice, ['10.0.0.4', '10.0.0.1'], 3);
    for (const ip of ['10.0.0.4', '10.0.0.1']) ringAdd(plain, ip, 3);
    expect(twice).toEqual(plain);
  });
});

describe('members', () => {
  it('holds any number of objects, each once', () => {
    const m = new Members<object>();
    const xs = Array.from({ length: 10 }, () => ({}));
    for (const x of xs) expect(m.add(x)).toBe(true);
    for (const x of xs) { expect(m.has(x)).toBe(true); expect(m.add(x)).toBe(false); }
    expect(m.has({})).toBe(false);
  });
});

describe('path cache', () => {
  it('takes the same ids out of a path as idsOf', () => {
    const cases: Array<[string, string]> = [
      ['/v1/users/42/cards/7', '/v1/users/{userId}/cards/{cardId}'],
      ['/v1/users/42', '/v1/users/{userId}/cards'],
      ['/files/a/b/c', '/files/{proxy+}'],
      ['/v1/health', '/v1/health'],
      ['/v1/users//x', '/v1/users/{id}/x'],
    ];
    for (const [path, template] of cases) {
      const paths = new PathCache({ templateOf: () => template, endpointInfo: () => undefined });
      const ref = paths.resolve(paths.domain('api.example.com'), 'GET', path);
      expect(ref.ids.map((i) => i.value)).toEqual(idsOf(path, template));
      expect(ref.ep?.key).toBe(`api.example.com GET ${template}`);
    }
  });
});

describe('buildWindow caches', () => {
  it('give the same window views whether kept across windows or fresh each window', () => {
    const next = rng(11);
    const resolver: EndpointResolver = {
      templateOf: (_d, _m, path) => (path.startsWith('/v1/accounts/') ? '/v1/accounts/{accountId}' : path === '/v1/login' ? '/v1/login' : null),
      endpointInfo: () => undefined,
    };
    const event = (ts: number, i: number): AccessEvent => ({
      requestId: `r${ts}-${i}`, ts, ip: `203.0.113.${Math.floor(next() * 20)}`, method: next() < 0.2 ? 'POST' : 'GET',
      path: next() < 0.1 ? '/.env' : next() < 0.3 ? '/v1/login' : `/v1/accounts/${Math.floor(next() * 50)}`, query: '', resourcePath: null,
      status: next() < 0.8 ? 200 : 404, protocol: 'HTTP/1.1', responseLength: 100, userAgent: next() < 0.5 ? 'curl/8.4.0' : 'okhttp/4.12.0',
      principalId: next() < 0.7 ? `u-${Math.floor(next() * 10)}` : null, apiKeyId: null, integrationLatency: null, responseLatency: null,
      domainName: 'api.example.com', stage: 'prod', errorMessage: null,
    });
    const kept = newWindowCaches();
    const profiles: Record<string, Profile> = {};
    const summary = (v: ReturnType<typeof buildWindow>) => [...v.actors.values()].map((a) => ({
      key: a.key, n: a.n, idNew: a.idNew, newIps: a.newIps, seen: a.seenIds, classes: [...a.classes], samples: a.samples,
      tpls: [...a.tpls.values()].map((u) => ({ key: u.key, n: u.n, newIds: u.newIds, ids: u.distinctIds, nums: u.nums, samples: u.samples, prevs: [...u.prevs] })),
    }));
    for (let w = 0; w < 6; w++) {
      const ws = w * 300_000;
      const events = Array.from({ length: 200 }, (_, i) => event(ws + i, i));
      const a = buildWindow(events, resolver, profiles, ws, ws + 300_000, kept);
      const b = buildWindow(events, resolver, profiles, ws, ws + 300_000);
      expect(summary(a)).toEqual(summary(b));
      // Profiles learn the window's ids and addresses the way observe does, through the kept rings.
      for (const x of a.actors.values()) {
        const p = (profiles[x.key] ??= newProfile(x.type, ws));
        kept.rings.ids.addAll(p.ids, x.seenIds, 64);
        if (x.type !== 'ip') kept.rings.ips.addAll(p.ips, x.ips, 32);
      }
      kept.rings.ids.endWindow();
      kept.rings.ips.endWindow();
    }
  });
});
