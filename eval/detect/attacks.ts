/**
 * Attack injectors, one per scenario kind of /work/shared/eval/README.md, written from the scenario
 * descriptions with their parameters drawn per instance (rates, durations, pool sizes, user-agent families,
 * answer mixes), so a corpus of many seeds covers the space rather than one example.
 */
import type { Api } from './apis.ts';
import { HOUR, MIN, Trace, type Gen, type Label } from './gen.ts';
import { createdFlowIds, type User } from './population.ts';

export interface Ctx { g: Gen; api: Api; users: User[]; start: number; end: number; newPrincipal: () => string }

export const BROWSER_SPOOF = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
];

/** Scripting clients by family: what a stolen token is replayed with. */
export const SCRIPT_UAS: Record<string, string[]> = {
  curl: ['curl/8.4.0', 'curl/7.88.1', 'curl/8.11.1'],
  wget: ['Wget/1.21.4', 'Wget/1.24.5'],
  python: ['python-requests/2.32.3', 'python-requests/2.31.0', 'python-httpx/0.27.2', 'aiohttp/3.10.5', 'Python-urllib/3.12'],
  go: ['Go-http-client/1.1', 'Go-http-client/2.0'],
  java: ['Java/17.0.10', 'okhttp/4.12.0', 'Apache-HttpClient/4.5.14 (Java/17.0.10)'],
  node: ['node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'axios/1.7.7', 'undici', 'node'],
  powershell: ['Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.6', 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4291'],
  headless: ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.6261.94 Safari/537.36', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36'],
  spoofed_browser: BROWSER_SPOOF,
  empty: [''],
};

function at(c: Ctx, durationMs: number): number { return c.start + 2 * HOUR + c.g.rnd() * Math.max(0, c.end - c.start - 3 * HOUR - durationMs); }

/** A victim with an interactive client who was active before the attack. */
function victim(c: Ctx, before: number): User {
  const ok = c.users.filter((u) => u.sessions.some((s) => s < before) && !/^okhttp/.test(u.ua));
  return c.g.pick(ok.length ? ok : c.users);
}

/** An account taken over after a successful login from `ip`: it is then used from there. */
function takeover(c: Ctx, tr: Trace, ip: string, t: number, ua: string): string {
  const v = victim(c, t);
  let tt = t + c.g.int(3000, 60_000);
  const steps = c.g.int(3, 12);
  for (let i = 0; i < steps; i++) {
    const ep = c.g.pick([c.api.me, c.api.lists[0], c.api.owned[0], c.api.owned[1], c.api.flow.create]);
    tr.emit({ t: tt, ip, ep, path: ep.template.includes('{') ? ep.path(c.g.pick(v.own)) : ep.path(), status: ep === c.api.flow.create ? 201 : 200, ua, principal: v.principal });
    tt += c.g.int(1500, 20_000);
  }
  return v.principal;
}

export function credentialStuffing(c: Ctx, variant: 'burst' | 'slow' | 'brute'): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const uaMode = g.pick(['rotating_browsers', 'one_browser', 'script']);
  const uas = uaMode === 'script' ? [g.pick(SCRIPT_UAS[g.pick(['python', 'go', 'curl', 'node'])])] : uaMode === 'one_browser' ? [g.pick(BROWSER_SPOOF)] : BROWSER_SPOOF;
  const pool = variant === 'brute' ? g.int(1, 3) : variant === 'slow' ? g.int(40, 150) : g.int(40, 400);
  const ips = Array.from({ length: pool }, () => (g.chance(0.2) ? g.cloud() : g.home()));
  const duration = variant === 'slow' ? g.int(120, 240) * MIN : g.int(10, 45) * MIN;
  const attempts = variant === 'slow' ? pool * g.int(2, 4) : variant === 'brute' ? g.int(200, 1500) : g.int(Math.max(300, pool * 2), 2500);
  const successes = g.int(1, variant === 'brute' ? 1 : 6);
  const t0 = at(c, duration);
  const okAt = new Set(Array.from({ length: successes }, () => g.int(Math.floor(attempts * 0.2), attempts - 1)));
  const taken: string[] = [];
  for (let i = 0; i < attempts; i++) {
    const t = t0 + (duration * i) / attempts + g.int(0, 2000);
    const ip = variant === 'slow' ? ips[i % pool] : g.pick(ips);
    const ua = g.pick(uas);
    const ok = okAt.has(i);
    tr.emit({ t, ip, ep: api.login, path: api.login.path(), status: ok ? 200 : g.chance(0.08) ? 429 : api.loginFail, ua });
    if (ok) taken.push(takeover(c, tr, ip, t, ua));
  }
  return tr.label('credential_stuffing', 'attack', `${variant} credential stuffing: ${pool} IPs, ${attempts} login attempts over ${Math.round(duration / MIN)} min on ${api.login.template}, ${successes} accounts taken over`, { variant, pool, attempts, durationMin: Math.round(duration / MIN), uaMode, failStatus: api.loginFail });
}

export function lowAndSlowScraping(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const accounts = Array.from({ length: g.int(8, 40) }, () => c.newPrincipal());
  const ips = Array.from({ length: g.int(150, 600) }, () => g.home());
  const duration = g.int(120, 360) * MIN;
  const n = g.int(Math.max(600, ips.length * 2), 3000);
  const t0 = at(c, duration);
  let id = g.int(api.idRange[0], api.idRange[1] - n - 1);
  const okShare = 0.6 + 0.35 * g.rnd();
  for (let i = 0; i < n; i++) {
    const t = t0 + (duration * i) / n + g.int(0, 5000);
    tr.emit({ t, ip: g.pick(ips), ep: api.walkable, path: api.walkable.path(String(id++)), status: g.chance(okShare) ? 200 : 404, ua: g.pick(BROWSER_SPOOF), principal: g.pick(accounts) });
  }
  return tr.label('low_and_slow_scraping', 'attack', `${accounts.length} fresh accounts over ${ips.length} residential IPs sweep ${n} contiguous ids of ${api.walkable.template} in ${Math.round(duration / MIN)} min`, { accounts: accounts.length, ips: ips.length, requests: n, durationMin: Math.round(duration / MIN) });
}

export function bolaEnumeration(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const owner = g.chance(0.5) ? victim(c, c.end) : null;
  const pr = owner?.principal ?? c.newPrincipal();
  const ip = g.chance(0.5) ? g.cloud() : g.home();
  const ua = owner?.ua ?? g.pick([...api.appUas, ...SCRIPT_UAS.python, ...SCRIPT_UAS.go]);
  const n = g.int(60, 400);
  const duration = g.int(8, 40) * MIN;
  const t0 = at(c, duration);
  const stride = g.pick([1, 1, 2, 7]);
  let id = g.int(api.idRange[0], api.idRange[1] - n * stride - 1);
  const refused = 0.5 + 0.4 * g.rnd();
  for (let i = 0; i < n; i++) {
    const x = g.rnd();
    tr.emit({ t: t0 + (duration * i) / n, ip, ep: api.walkable, path: api.walkable.path(String(id)), status: x < refused * 0.6 ? 403 : x < refused ? 404 : 200, ua, principal: pr });
    id += stride;
  }
  return tr.label('bola_enumeration', 'attack', `one account walks ${n} ids (stride ${stride}) of ${api.walkable.template}, ${Math.round(refused * 100)}% refused`, { requests: n, stride, refused: Math.round(refused * 100) / 100, existingAccount: owner !== null });
}

export function unauthBulkDownload(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const ips = Array.from({ length: g.int(1, 3) }, () => (g.chance(0.6) ? g.cloud() : g.home()));
  const family = g.pick(['python', 'wget', 'curl', 'go', 'spoofed_browser']);
  const ua = g.pick(SCRIPT_UAS[family]);
  const n = g.int(80, 500);
  const duration = g.int(30, 120) * MIN;
  const t0 = at(c, duration);
  for (let i = 0; i < n; i++) {
    tr.emit({ t: t0 + (duration * i) / n + g.int(0, 3000), ip: g.pick(ips), ep: api.download, path: api.download.path(String(g.int(api.idRange[0], api.idRange[1]))), status: g.chance(0.93) ? 200 : 404, ua, bytes: g.int(800_000, 5_000_000) });
  }
  return tr.label('unauth_bulk_download', 'attack', `${ips.length} anonymous client(s) download ${n} files from ${api.download.template}`, { ips: ips.length, requests: n, family });
}

export function scriptedUserAgent(c: Ctx, family: string): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const duration = g.int(30, 150) * MIN;
  const t0 = at(c, duration);
  const v = victim(c, t0);
  const ip = g.chance(0.6) ? g.cloud() : g.home();
  const ua = g.pick(SCRIPT_UAS[family]);
  const n = g.int(60, 300);
  const refusedShare = g.pick([0, 0.02, 0.08, 0.15]);
  const gap = duration / n;
  let t = t0;
  const endpoints = [api.me, ...api.lists, ...api.owned, api.walkable, api.download, api.flow.fetch];
  for (let i = 0; i < n; i++) {
    const ep = g.pick(endpoints);
    const id = ep === api.walkable || ep === api.download ? String(g.int(api.idRange[0], api.idRange[1])) : ep === api.flow.fetch ? api.flowId() : g.pick(v.own);
    const x = g.rnd();
    tr.emit({ t, ip, ep, path: ep.path(id), status: x < refusedShare ? g.pick([401, 403]) : x < refusedShare + 0.04 ? 404 : 200, ua, principal: v.principal });
    t += gap * (0.8 + 0.4 * g.rnd());
  }
  return tr.label('scripted_user_agents', 'attack', `stolen session of an app user replayed with ${family} (${ua || 'empty UA'}) from ${ip}: ${n} requests over ${Math.round(duration / MIN)} min, ${Math.round(refusedShare * 100)}% refused`, { family, ua, requests: n, refusedShare, cloudOrigin: !/^(24|68|73|81|86|92|98|109|151|176|177|186|189|201|213)\.|^2a02/.test(ip) });
}

export function sequenceAnomaly(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const pr = c.newPrincipal();
  const ip = g.chance(0.3) ? g.cloud() : g.home();
  const ua = g.pick(api.appUas);
  const n = g.int(10, 60);
  const duration = g.int(10, 40) * MIN;
  const t0 = at(c, duration);
  const vulnerable = g.chance(0.6);
  const leaked = createdFlowIds.get(api) ?? [];
  const step = g.pick([api.flow.confirm, api.flow.capture]);
  // A little ordinary use of the account first, so it is not a brand-new caller.
  let t = t0 - g.int(5, 30) * MIN;
  for (let i = 0; i < g.int(2, 6); i++) { tr.emit({ t, ip, ep: api.me, path: api.me.path(), status: 200, ua, principal: pr }); t += g.int(5000, 60_000); }
  for (let i = 0; i < n; i++) {
    const id = leaked.length && g.chance(0.7) ? g.pick(leaked) : api.flowId();
    const x = g.rnd();
    tr.emit({ t: t0 + (duration * i) / n + g.int(0, 4000), ip, ep: step, path: step.path(id), status: vulnerable ? 200 : x < 0.4 ? 404 : x < 0.6 ? 409 : 200, ua, principal: pr });
  }
  return tr.label('sequence_anomaly', 'attack', `${step.template} called ${n} times on ids the account never created or fetched (${vulnerable ? 'vulnerable API: all 200' : 'mixed 200/404/409'})`, { requests: n, vulnerable, step: step.template });
}

export function trafficSpike(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const ip = g.chance(0.5) ? g.cloud() : g.home();
  const ua = g.pick([...BROWSER_SPOOF, ...SCRIPT_UAS.go, ...SCRIPT_UAS.python, 'Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1)']);
  const duration = g.int(3, 10) * MIN;
  const n = g.int(1500, 8000);
  const throttled = 0.3 + 0.4 * g.rnd();
  const eps = [api.lists[0], api.publicGets[0], api.me].slice(0, g.int(1, 3));
  const t0 = at(c, duration);
  for (let i = 0; i < n; i++) {
    const ep = g.pick(eps);
    tr.emit({ t: t0 + (duration * i) / n, ip, ep, path: ep.path(), status: g.chance(throttled) ? 429 : ep === api.me ? 401 : 200, ua });
  }
  return tr.label('traffic_spike', 'attack', `one IP sends ${n} requests in ${Math.round(duration / MIN)} min, ${Math.round(throttled * 100)}% throttled`, { requests: n, durationMin: Math.round(duration / MIN), throttled: Math.round(throttled * 100) / 100 });
}

const PROBES = ['/.env', '/.git/config', '/.git/HEAD', '/admin', '/admin/login', '/wp-login.php', '/wp-admin/', '/actuator/env', '/actuator/health', '/phpmyadmin/', '/server-status', '/config.json', '/backup.zip', '/db.sql', '/api-docs', '/swagger.json', '/swagger-ui.html', '/openapi.yaml', '/.aws/credentials', '/console', '/debug/vars', '/cgi-bin/luci', '/.DS_Store', '/internal/metrics', '/graphql', '/v2/api-docs', '/jenkins/login', '/.svn/entries', '/old/', '/test/', '/staging/', '/private/', '/export', '/users.csv', '/.well-known/security.txt', '/server-info', '/elmah.axd', '/trace.axd', '/id_rsa', '/config.yml'];

/** A path no route matches: a REST API logs `-` as its resource path. */
const UNMATCHED: Api['me'] = { method: 'GET', template: '-', bytes: [30, 200], path: () => '/' };

export function forcedBrowsing(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const ip = g.chance(0.6) ? g.cloud() : g.home();
  const ua = g.pick(['Mozilla/5.0 zgrab/0.x', BROWSER_SPOOF[0], 'curl/8.4.0', 'python-requests/2.32.3', 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)', 'Go-http-client/1.1']);
  const n = g.int(40, 300);
  const duration = g.int(5, 40) * MIN;
  const t0 = at(c, duration);
  const prefixes = ['', api.login.template.replace(/\/[^/]+$/, ''), '/static', '/app'];
  for (let i = 0; i < n; i++) {
    const p = g.pick(prefixes) + g.pick(PROBES) + (g.chance(0.3) ? `?${g.hex(4)}` : '');
    tr.emit({ t: t0 + (duration * i) / n, ip, ep: UNMATCHED, path: p.split('?')[0], status: g.chance(0.7) ? 404 : 403, ua });
  }
  return tr.label('forced_browsing', 'attack', `scanner requests ${n} unlisted paths in ${Math.round(duration / MIN)} min`, { requests: n, ua });
}
