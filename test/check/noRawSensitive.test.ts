import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMasker } from '../../shared/sensitive/maskPath.ts';
import { maskEvent } from '../../shared/normalize/maskEvent.ts';
import { createDefectsAnalysis } from '../../shared/check/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { fixedDiscovery } from './fixtures.ts';

const phone = fc.tuple(fc.constantFrom('13', '15', '18', '19'), fc.stringMatching(/^\d{9}$/)).map(([a, b]) => a + b);
const email = fc.tuple(fc.stringMatching(/^[a-z]{3,8}$/), fc.constantFrom('example.com', 'corp.cn')).map(([u, d]) => `${u}@${d}`);

describe('defect rows and alerts never hold a raw sensitive value', () => {
  it('phones and emails in paths, queries and error messages only appear masked', () => {
    fc.assert(fc.property(fc.array(fc.tuple(phone, email), { minLength: 3, maxLength: 20 }), (pairs) => {
      const m = createMasker('k');
      const templates = new Map<string, string | null>();
      const events: AccessEvent[] = pairs.map(([p, e], i) => {
        const raw: AccessEvent = {
          requestId: `r${i}`, ts: Date.parse('2026-11-23T00:00:00Z') + i * 1000, ip: '198.51.100.1', method: 'GET', path: `/users/${p}/orders`,
          query: `email=${encodeURIComponent(e)}&password=pw${p}`, resourcePath: null, status: 500, protocol: 'HTTP/1.1', responseLength: 1, userAgent: 'u',
          principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'api.example.com', stage: 'prod',
          errorMessage: `SQLSTATE 23505 duplicate key value violates unique constraint for ${p} ${e}`,
        };
        const ev = maskEvent(raw, m);
        templates.set(`api.example.com GET ${ev.path}`, '/users/{phone}/orders');
        return ev;
      });
      const { outputs } = runInMemory(events, fixedDiscovery(templates), [createDefectsAnalysis({ minAlertSeverity: 'info' })]);
      const text = JSON.stringify(outputs.defects);
      expect(text).toContain('sensitive_data_in_url');
      for (const [p, e] of pairs) { expect(text).not.toContain(p); expect(text).not.toContain(e); expect(text).not.toContain(`pw${p}`); }
    }), { numRuns: 30 });
  });
});
