import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import { compileRegex, parseRules, RuleValidationError } from '../../shared/rules/index.ts';
import { createDefectsAnalysis } from '../../shared/check/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import { fixedDiscovery, readFixture, summarise } from '../check/fixtures.ts';

const here = new URL('./', import.meta.url).pathname;

describe('custom rules: golden fixtures', () => {
  const root = join(here, 'golden');
  for (const name of readdirSync(root).sort()) {
    it(name, () => {
      const dir = join(root, name);
      const rules = parseRules(readFileSync(join(dir, 'rules.yaml'), 'utf8'), `${name}/rules.yaml`);
      const { events, templates } = readFixture(join(dir, 'events.ndjson'));
      const { outputs } = runInMemory(events, fixedDiscovery(templates), [createDefectsAnalysis({ checks: [], rules })]);
      const got = summarise(outputs.defects.flatMap((o) => o.defects ?? []));
      const file = join(dir, 'expected.json');
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, JSON.stringify(got, null, 2) + '\n');
      expect(got).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});

describe('custom rules: invalid files are rejected with every problem named', () => {
  const root = join(here, 'invalid');
  for (const f of readdirSync(root).filter((x) => x.endsWith('.yaml')).sort()) {
    it(f, () => {
      const text = readFileSync(join(root, f), 'utf8');
      let err: unknown;
      try { parseRules(text, f); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(RuleValidationError);
      const msg = (err as RuleValidationError).message;
      expect(msg.startsWith(`${f}: `)).toBe(true);
      const expected = readFileSync(join(root, f.replace(/\.yaml$/, '.expected.txt')), 'utf8').split('\n').filter(Boolean);
      for (const line of expected) expect(msg).toContain(line);
      // One expected line per problem: a problem found twice, or one nobody expected, fails.
      expect((err as RuleValidationError).problems.length).toBe(expected.length);
    });
  }
});

/**
 * Linear time comes from the engine, not from a stopwatch (speed belongs to `npm run bench`): patterns compile
 * to RE2 automata, never to a backtracking RegExp. A backtracking engine would not finish these inputs, and the
 * test timeout would fail them.
 */
describe('custom rules: regexes run in linear time', () => {
  it('compiles (a+)+$ to RE2 and answers a pathological input', () => {
    const re = compileRegex('(a+)+$');
    expect(re).toBeInstanceOf(RE2JS);
    expect(re).not.toBeInstanceOf(RegExp);
    expect(re.test('a'.repeat(200_000) + '!')).toBe(false);
    expect(re.test('b' + 'a'.repeat(200_000))).toBe(true);
  });

  it('runs a catastrophic-backtracking rule over long values and still matches what it should', () => {
    const rules = parseRules(JSON.stringify({ rules: [{ id: 'redos', title: 'x', severity: 'low', fix: 'x', when: { field: 'userAgent', regex: '^(a|aa)+$' } }] }), 'redos.json');
    const ev = { requestId: 'r', ts: Date.parse('2026-11-23T00:00:00Z'), ip: '1', method: 'GET', path: '/x', query: '', resourcePath: '/x', status: 200, protocol: 'HTTP/1.1', responseLength: 1, userAgent: 'a'.repeat(50_000) + 'b', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'd', stage: 's', errorMessage: null };
    const all = { ...ev, requestId: 'm', ts: ev.ts + 1000, userAgent: 'a'.repeat(50_000) };
    const { outputs } = runInMemory([ev, all], fixedDiscovery(new Map([['d GET /x', '/x']])), [createDefectsAnalysis({ checks: [], rules })]);
    // The near miss does not match; the value of only a's does, once.
    expect(outputs.defects.flatMap((o) => o.defects ?? []).map((d) => [d.defect_type, d.occurrences])).toEqual([['custom:redos', 1]]);
  });

  it('rejects overlong patterns', () => {
    expect(() => parseRules(JSON.stringify([{ id: 'long', title: 'x', severity: 'low', fix: 'x', when: { field: 'path', regex: 'a'.repeat(2000) } }]), 'long.json'))
      .toThrow(/rules\[0\] \(id "long"\): when.regex: pattern is longer than 1000 characters/);
  });

  it('accepts a JSON array of rules and a queryParam field', () => {
    const rules = parseRules('[{"id":"q","title":"t","severity":"low","fix":"f","when":{"field":"queryParam.debug","equals":"true"}}]', 'q.json');
    expect(rules.map((r) => r.id)).toEqual(['q']);
    expect(existsSync(join(here, 'golden'))).toBe(true);
  });
});

describe('custom rules: endpoint attributes from discovery', () => {
  it('matches endpoint.* fields and looks them up only when a rule reads them', () => {
    const rules = parseRules(`
rules:
  - id: anon-file
    title: Anonymous file download
    severity: high
    owasp: API2:2023
    fix: Require auth.
    when:
      all:
        - { field: endpoint.isFileAsset, equals: true }
        - { field: authenticated, equals: false }
        - { field: endpoint.fileTypes, in: [pdf, xlsx] }
`, 'inline.yaml');
    let lookups = 0;
    const info = { domainName: 'd', method: 'GET', template: '/f/{id}.pdf', requestCount: 1, authRequests: 0, unauthRequests: 1, sensitiveTypes: [], isFileAsset: true, fileTypes: ['pdf'], source: 'inferred' as const, specStatus: 'no_spec' as const, firstSeen: 0, lastSeen: 0 };
    const resolver = { templateOf: (_d: string, _m: string, p: string) => (p.startsWith('/f/') ? '/f/{id}.pdf' : '/other'), endpointInfo: (_d: string, _m: string, t: string) => { lookups++; return t === info.template ? info : undefined; } };
    const discovery = { name: 'discovery' as const, initialState: () => ({}), closeWindow: () => ({}), resolver: () => resolver };
    const base = { ts: Date.parse('2026-11-23T00:00:00Z'), ip: '1', method: 'GET', query: '', resourcePath: null, status: 200, protocol: 'HTTP/1.1', responseLength: 1, userAgent: 'u', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'd', stage: 's', errorMessage: null };
    const evs = [{ ...base, requestId: 'a', path: '/f/1.pdf' }, { ...base, requestId: 'b', path: '/f/2.pdf', principalId: 'p' }, { ...base, requestId: 'c', path: '/other' }];
    const { outputs } = runInMemory(evs, discovery, [createDefectsAnalysis({ checks: [], rules })]);
    const rows = outputs.defects.flatMap((o) => o.defects ?? []);
    expect(rows.map((r) => [r.defect_type, r.template, r.occurrences])).toEqual([['custom:anon-file', '/f/{id}.pdf', 1]]);
    expect(lookups).toBe(3); // once per event: the first condition reads endpoint.*; the others short-circuit or reuse
  });
});

describe('custom rules: the shipped example file', () => {
  it('is valid', () => {
    const text = readFileSync(new URL('../../shared/rules/example.rules.yaml', import.meta.url), 'utf8');
    expect(parseRules(text, 'example.rules.yaml').map((r) => r.id)).toEqual(['bulk-export-without-key', 'debug-flag-in-production', 'admin-outside-office-hours']);
  });
});
