/** Who calls a synthesized API: IPs, principals, API keys and user agents, a few heavy callers and a tail. */
import { Rng } from './rng.ts';

export interface Caller {
  ip: string;
  principalId: string;
  apiKeyId: string;
  userAgent: string;
}

const AGENTS = [
  'okhttp/4.12.0', 'python-requests/2.32.3', 'Go-http-client/2.0', 'axios/1.7.7', 'curl/8.5.0', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240805.005)', 'Apache-HttpClient/4.5.14 (Java/17.0.11)', 'Faraday v2.9.0',
  'aws-sdk-js/3.600.0', 'PostmanRuntime/7.42.0', 'Java/17.0.11', 'ruby', 'Ktor client', 'Swift/5.10 URLSession',
];

/** Public-looking IPv4 addresses (no private, loopback or multicast ranges). */
function publicIp(r: Rng): string {
  const first = r.pick([3, 18, 34, 35, 44, 52, 54, 64, 66, 73, 81, 91, 98, 104, 109, 128, 142, 151, 157, 162, 178, 185, 195, 203, 212]);
  return `${first}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

export function makeCallers(r: Rng, n: number): Caller[] {
  const out: Caller[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r.weighted({ user: 55, service: 25, anonymous: 20 });
    const principalId = kind === 'anonymous' ? '-'
      : kind === 'service' ? `svc-${r.chars('abcdefghijklmnopqrstuvwxyz', r.int(4, 9))}-${r.pick(['worker', 'sync', 'batch', 'api'])}`
        : r.chance(0.5) ? r.chars('abcdefghijklmnopqrstuvwxyz0123456789', 26) : `user_${r.chars('0123456789abcdef', 12)}`;
    out.push({
      ip: publicIp(r),
      principalId,
      apiKeyId: kind === 'anonymous' || r.chance(0.3) ? '-' : r.chars('abcdefghijklmnopqrstuvwxyz0123456789', 10),
      userAgent: r.pick(AGENTS),
    });
  }
  return out;
}

/** A scanner: one IP, no identity, a tool's user agent. */
export function makeScanner(r: Rng): Caller {
  return { ip: publicIp(r), principalId: '-', apiKeyId: '-', userAgent: r.pick(['Mozilla/5.0 zgrab/0.x', 'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)', 'sqlmap/1.8#stable (https://sqlmap.org)', 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)', 'python-requests/2.31.0']) };
}

/** Paths scanners try on any API: none is a route of a normal API (the synthesizer checks each against the API). */
export const PROBES = [
  '/.env', '/.git/config', '/.git/HEAD', '/wp-login.php', '/wp-admin/admin-ajax.php', '/xmlrpc.php', '/server-status', '/actuator',
  '/actuator/health', '/actuator/env', '/.aws/credentials', '/config.json', '/backup.zip', '/docker-compose.yml', '/phpinfo.php',
  '/admin', '/console', '/graphql', '/api-docs', '/swagger.json', '/openapi.json', '/v2/api-docs', '/v3/api-docs', '/robots.txt',
  '/sitemap.xml', '/favicon.ico', '/.DS_Store', '/id_rsa', '/WEB-INF/web.xml', '/cgi-bin/test.cgi', '/.well-known/security.txt',
  '/debug/pprof', '/_profiler', '/telescope/requests', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', '/.svn/entries',
  '/etc/passwd', '/Gemfile.lock', '/package.json', '/.env.production', '/info.php', '/test', '/tmp/', '/login.action',
];
