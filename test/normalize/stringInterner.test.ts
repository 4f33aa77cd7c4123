import { describe, expect, it } from 'vitest';
import { createInterner } from '../../shared/normalize/stringInterner.ts';
import { BatchCollector } from '../../shared/engine/collectBatch.ts';
import { createMasker } from '../../shared/sensitive/maskPath.ts';

describe('createInterner', () => {
  it('returns the first string object seen for each content, and starts over when full', () => {
    const intern = createInterner(2);
    const a1 = JSON.parse('"Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0"') as string;
    const a2 = JSON.parse('"Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0"') as string;
    expect(intern(a1)).toBe(a1);
    expect(intern(a2)).toBe(a1);
    intern('b');
    intern('c'); // third distinct value: the memo starts over
    expect(intern(a2)).toBe(a2);
    expect(intern(a1)).toBe(a2);
  });

  it('leaves the interned fields of collected events as logged', () => {
    const line = (id: string) => JSON.stringify({ requestId: id, ip: '203.0.113.9', requestTimeEpoch: '1795420800005', httpMethod: 'GET', path: `/v1/accounts/${id}`, resourcePath: '/v1/accounts/{accountId}', status: '200', protocol: 'HTTP/1.1', userAgent: 'DemoBank/7.2.1 (Android 14; Pixel 8)', domainName: 'api.demobank.example', stage: 'prod' });
    const c = new BatchCollector(createMasker('k'));
    c.addMessage(line('1'), 'test');
    c.addMessage(line('2'), 'test');
    const [a, b] = c.events;
    expect([b.userAgent, b.resourcePath, b.domainName, b.stage, b.protocol]).toEqual(['DemoBank/7.2.1 (Android 14; Pixel 8)', '/v1/accounts/{accountId}', 'api.demobank.example', 'prod', 'HTTP/1.1']);
    expect({ ...b, requestId: a.requestId, path: a.path }).toEqual(a);
  });
});
