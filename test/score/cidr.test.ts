import { describe, expect, it } from 'vitest';
import { CidrSet, parseIpv4, parseIpv6, subnetOf } from '../../shared/score/cidr.ts';
import { createIpReputation } from '../../shared/score/ipReputation.ts';
import { classifyUserAgent } from '../../shared/score/uaClass.ts';

describe('CIDR matching', () => {
  it('matches IPv4 and IPv6 prefixes, longest first', () => {
    const s = new CidrSet([
      { label: 'wide', cidr: '203.0.113.0/24' },
      { label: 'narrow', cidr: '203.0.113.128/25' },
      { label: 'v6', cidr: '2001:db8::/32' },
    ]);
    expect(s.match('203.0.113.7')).toBe('wide');
    expect(s.match('203.0.113.200')).toBe('narrow');
    expect(s.match('198.51.100.1')).toBeNull();
    expect(s.match('2001:db8:1::5')).toBe('v6');
    expect(s.match('2001:db9::1')).toBeNull();
  });
  it('parses edge cases', () => {
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('1.2.3')).toBeNull();
    expect(parseIpv4('1.2.3.256')).toBeNull();
    expect(parseIpv6('::1')).toBe(1n);
    expect(parseIpv6('::ffff:1.2.3.4')).toBe((0xffffn << 32n) | 0x01020304n);
    expect(subnetOf('10.1.2.3')).toBe('10.1.2.0/24');
    expect(subnetOf('2001:db8:abcd:1::1')).toBe('2001:db8:abcd::/48');
  });
  it('reputation precedence: allow beats every other list', () => {
    const rep = createIpReputation({ allow: ['203.0.113.5'], tor: ['203.0.113.0/24'] }, true);
    expect(rep.labelOf('203.0.113.5')).toBe('allow');
    expect(rep.labelOf('203.0.113.6')).toBe('tor');
    expect(rep.labelOf('10.0.0.1')).toBe('internal');
  });
});

describe('user agent classes', () => {
  it('separates scripts from SDKs, apps and browsers', () => {
    expect(classifyUserAgent('curl/8.4.0')).toBe('scripting_tool');
    expect(classifyUserAgent('python-requests/2.31.0')).toBe('scripting_tool');
    expect(classifyUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/121.0 Safari/537.36')).toBe('headless');
    expect(classifyUserAgent('okhttp/4.12.0')).toBe('mobile_app');
    expect(classifyUserAgent('ExampleApp/5.3.6 (iPhone; iOS 17.6.1; Scale/3.00)')).toBe('mobile_app');
    // Language HTTP clients are scripting clients (behaviour decides whether that matters); SDKs stay SDKs.
    expect(classifyUserAgent('axios/1.6.8')).toBe('scripting_tool');
    expect(classifyUserAgent('node-fetch/1.0 (+https://github.com/bitinn/node-fetch)')).toBe('scripting_tool');
    expect(classifyUserAgent('python-httpx/0.27.2')).toBe('scripting_tool');
    expect(classifyUserAgent('Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4291')).toBe('scripting_tool');
    expect(classifyUserAgent('Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.6')).toBe('scripting_tool');
    expect(classifyUserAgent('aws-sdk-java/2.25.0')).toBe('sdk');
    expect(classifyUserAgent('')).toBe('empty');
    expect(classifyUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36')).toBe('browser');
    expect(classifyUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toBe('crawler');
    expect(classifyUserAgent('Mozilla/5.0 zgrab/0.x')).toBe('scanner');
    expect(classifyUserAgent('SomePreviewService/2.0 (+https://preview.example/bot)')).toBe('crawler');
  });
});

describe('operator IP lists', async () => {
  const { parseIpLists, IpListsError } = await import('../../shared/score/index.ts');
  it('reads line, YAML and JSON forms', () => {
    expect(parseIpLists('# partners\nallow 198.51.100.7\ntor 203.0.113.0/24\n').ipLists).toEqual({ allow: ['198.51.100.7'], tor: ['203.0.113.0/24'] });
    const y = parseIpLists('allow: [198.51.100.0/24]\nallowPrincipals: [svc-scanner]\nreplaceDefaults: true\n');
    expect(y).toEqual({ ipLists: { allow: ['198.51.100.0/24'] }, replaceDefaultIpLists: true, allowPrincipals: ['svc-scanner'], allowApiKeys: undefined });
    expect(parseIpLists('{"deny": ["2001:db8::/32"]}').ipLists).toEqual({ deny: ['2001:db8::/32'] });
  });
  it('names the bad entry', () => {
    expect(() => parseIpLists('allow 300.1.1.1')).toThrow(IpListsError);
    expect(() => parseIpLists('allow: [nope]')).toThrow(/allow: "nope"/);
    expect(() => parseIpLists('blocklist: [1.2.3.4]')).toThrow(IpListsError);
  });
});
