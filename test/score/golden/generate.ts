/**
 * Regenerates the golden cases: `node --import tsx test/score/golden/generate.ts`.
 * Synthetic traffic from seeded generators (no real log data): an attack case and benign look-alikes per
 * detector. This writes only what the generator knows: `input.ndjson`, `templates.json` and `labels.json`
 * (the ground truth: which actors are the attackers and which are the benign look-alikes, by role). Each
 * case's `expected.json` is written by hand from that ground truth and is never generated.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMAIN, type CompactEvent, type Labels, type TemplateDef } from './fixtures.ts';

const HERE = new URL('.', import.meta.url).pathname;
const MIN = 60_000, HOUR = 3600_000;

function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  rnd: () => number;
  out: CompactEvent[] = [];
  constructor(seed: number) { this.rnd = mulberry32(seed); }
  int(lo: number, hi: number): number { return lo + Math.floor(this.rnd() * (hi - lo + 1)); }
  pick<T>(xs: T[]): T { return xs[Math.floor(this.rnd() * xs.length)]; }
  /** Residential-looking address (not in any default hosting range). */
  home(): string { return `${this.pick([81, 86, 92, 109, 176, 188])}.${this.int(1, 254)}.${this.int(1, 254)}.${this.int(1, 254)}`; }
  ev(e: CompactEvent): void { this.out.push(e); }
  sorted(): CompactEvent[] { return this.out.sort((a, b) => a.t - b.t); }
}

const APP_UA = ['ExampleApp/4.2 (iPhone; iOS 17.5)', 'ExampleApp/4.2 (Linux; Android 14)', 'ExampleApp/311 CFNetwork/1496 Darwin/23.4.0'];
const BROWSER_UA = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'];

const TEMPLATES: TemplateDef[] = [
  ['POST', '/v1/oauth/token'], ['GET', '/v1/me'], ['GET', '/v1/projects'], ['GET', '/v1/projects/{project_id}'], ['GET', '/v1/projects/{project_id}/columns'],
  ['GET', '/v1/teams/{team_id}/members'], ['POST', '/v1/payments'], ['GET', '/v1/payments/{payment_id}'], ['POST', '/v1/payments/{payment_id}/confirm'],
  ['GET', '/v1/files/{file_id}/content'], ['GET', '/v1/reports'], ['GET', '/v1/invoices/{invoice_id}'], ['GET', '/health'],
].map(([method, template]) => ({ domain: DOMAIN, method, template }));

/** Ordinary app users: own ids, few IPs, a little 404/401 noise, payment flow create -> fetch -> confirm. */
function normalUsers(g: Gen, users: number, hours: number, opts: { ua?: string[]; ipPool?: string[] } = {}): void {
  for (let u = 0; u < users; u++) {
    const pr = `user-${u}`;
    const ips = opts.ipPool ? [g.pick(opts.ipPool)] : [g.home(), g.home()];
    const ua = g.pick(opts.ua ?? APP_UA);
    const own = Array.from({ length: 4 }, () => String(g.int(10_000, 99_999)));
    const sessions = g.int(1, 3);
    for (let s = 0; s < sessions; s++) {
      let t = g.int(0, hours * HOUR - 10 * MIN);
      const ip = g.pick(ips);
      const n = g.int(3, 8);
      for (let i = 0; i < n; i++) {
        t += g.int(2_000, 40_000);
        const r = g.rnd();
        const id = g.pick(own);
        if (r < 0.08) {
          const pay = `pay_${g.int(100000, 999999)}`;
          g.ev({ t, ip, m: 'POST', p: '/v1/payments', s: 201, ua, pr });
          g.ev({ t: t + 1500, ip, m: 'GET', p: `/v1/payments/${pay}`, s: 200, ua, pr });
          g.ev({ t: t + 4000, ip, m: 'POST', p: `/v1/payments/${pay}/confirm`, s: g.rnd() < 0.95 ? 200 : 409, ua, pr });
          t += 5000;
          continue;
        }
        const [m, p] = g.pick([['GET', '/v1/me'], ['GET', '/v1/projects'], ['GET', `/v1/projects/${id}`], ['GET', `/v1/projects/${id}/columns`], ['GET', `/v1/teams/${id}/members`], ['GET', '/v1/reports']]);
        const x = g.rnd();
        g.ev({ t, ip, m, p, s: x < 0.96 ? 200 : x < 0.985 ? 404 : 401, ua, pr: x < 0.985 ? pr : undefined, b: g.int(300, 9000) });
      }
    }
  }
}

/** Occasional logins: a few per hour, mostly successful. */
function normalLogins(g: Gen, hours: number): void {
  for (let h = 0; h < hours; h++) {
    for (let i = 0; i < 6; i++) {
      const t = h * HOUR + g.int(0, HOUR - 1), ip = g.home();
      g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: g.rnd() < 0.9 ? 200 : 401, ua: g.pick(BROWSER_UA) });
    }
  }
}

/**
 * A busy population: users working steadily all along (a request every 20-40 s from one address, their own
 * ids, 3 % 404), so every 5-minute window holds dozens of actors with 5+ requests, the population the
 * unsupervised anomaly score compares each actor against.
 */
function busyUsers(g: Gen, users: number, hours: number): void {
  for (let u = 0; u < users; u++) {
    const pr = `busy-${u}`, ip = g.home(), ua = g.pick(APP_UA);
    const own = Array.from({ length: 4 }, () => String(g.int(10_000, 99_999)));
    for (let t = g.int(0, 30_000); t < hours * HOUR; t += g.int(20_000, 40_000)) {
      const id = g.pick(own);
      const [m, p] = g.pick([['GET', '/v1/me'], ['GET', '/v1/projects'], ['GET', `/v1/projects/${id}`], ['GET', `/v1/projects/${id}/columns`], ['GET', `/v1/teams/${id}/members`], ['GET', '/v1/reports']]);
      g.ev({ t, ip, m, p, s: g.rnd() < 0.97 ? 200 : 404, ua, pr, b: g.int(500, 6000) });
    }
  }
}

/** One golden case: its folder (`detector/name`), input and the ground truth of who is who. */
interface Case { detector: string; name: string; description: string; events: CompactEvent[]; groups: Labels['groups'] }
const cases: Case[] = [];

// ---------------------------------------------------------------- credential_stuffing
{
  const g = new Gen(11);
  normalUsers(g, 40, 4); normalLogins(g, 4);
  const bots: string[] = [];
  const takenOver: string[] = [], returning: string[] = [];
  for (let i = 0; i < 120; i++) bots.push(g.home());
  const start = 3 * HOUR;
  let t = start;
  const victims: Array<{ ip: string; t: number }> = [];
  for (let i = 0; i < 400; i++) {
    t += g.int(1000, 4000);
    const ip = bots[i % bots.length];
    const ok = i === 150 || i === 300;
    g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: ok ? 200 : g.rnd() < 0.9 ? 401 : 429, ua: g.pick(BROWSER_UA) });
    if (ok) victims.push({ ip, t });
  }
  victims.forEach((v, k) => {
    const pr = `victim-${k}`;
    for (let j = 0; j < 4; j++) g.ev({ t: v.t + 20_000 + j * 3000, ip: v.ip, m: 'GET', p: j % 2 ? '/v1/me' : '/v1/projects', s: 200, ua: BROWSER_UA[j % 2], pr });
    takenOver.push(`principal|${pr}`);
  });
  // Real users who happen to log in during the surge from a new address with their usual client: not flagged.
  for (let k = 0; k < 5; k++) {
    const pr = `returning-${k}`, ua = BROWSER_UA[k % 2], ip = g.home();
    returning.push(`principal|${pr}`, `ip|${ip}`);
    g.ev({ t: HOUR + k * MIN, ip: g.home(), m: 'GET', p: '/v1/me', s: 200, ua, pr });
    const t0 = start + 3 * MIN + k * 2 * MIN;
    g.ev({ t: t0, ip, m: 'POST', p: '/v1/oauth/token', s: 200, ua });
    for (let j = 0; j < 3; j++) g.ev({ t: t0 + 5000 + j * 4000, ip, m: 'GET', p: '/v1/projects', s: 200, ua, pr });
  }
  const events = g.sorted(), groups = { bots: [...new Set(bots)].map((x) => `ip|${x}`), taken_over: takenOver, returning_users: returning };
  cases.push({ detector: 'credential_stuffing_burst', name: 'attack_rotating_ips', description: '120 rotating residential IPs submit 400 logins in ~17 min (90% 401, some 429); two succeed and the accounts are then used from those IPs (with cycling user agents). Five real users logging in during the surge are not flagged.', events, groups });
  cases.push({ detector: 'account_takeover', name: 'attack_after_rotating_burst', description: 'The same burst: the two accounts whose logins succeeded are then used from the stuffing addresses (taken over); five real users who log in during the surge from a new address with their usual client are not.', events, groups });
}
{
  const g = new Gen(14);
  normalUsers(g, 40, 5); normalLogins(g, 5);
  // Slow stuffing: 60 addresses, 3 attempts each over 90 minutes (about 10 failures per window).
  const bots: string[] = [];
  for (let i = 0; i < 60; i++) {
    const ip = g.home();
    for (let k = 0; k < 3; k++) g.ev({ t: 3 * HOUR + g.int(0, 90 * MIN), ip, m: 'POST', p: '/v1/oauth/token', s: 401, ua: g.pick(BROWSER_UA) });
    bots.push(`ip|${ip}`);
  }
  cases.push({ detector: 'credential_stuffing_slow', name: 'attack_slow_stuffing', description: '60 addresses, 3 failed logins each, spread over 90 minutes: no single window surges, the last hour does.', events: g.sorted(), groups: { bots } });
}
{
  const g = new Gen(12);
  normalUsers(g, 40, 6); normalLogins(g, 6);
  // Typos and forgotten passwords: 1-4 failures then success, spread over the day.
  const typos: string[] = [];
  for (let i = 0; i < 40; i++) {
    const ip = g.home(); let t = g.int(0, 6 * HOUR - 10 * MIN);
    typos.push(`ip|${ip}`);
    const fails = g.int(1, 4);
    for (let f = 0; f < fails; f++) { g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: 401, ua: BROWSER_UA[1] }); t += g.int(5000, 30000); }
    g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: 200, ua: BROWSER_UA[1] });
  }
  cases.push({ detector: 'credential_stuffing_slow', name: 'benign_password_typos', description: 'Users mistyping or resetting passwords: 1-4 failures then success, scattered over six hours.', events: g.sorted(), groups: { typo_users: typos } });
}
{
  const g = new Gen(13);
  const pool = Array.from({ length: 5 }, (_, i) => `172.58.10.${10 + i}`);
  normalLogins(g, 6);
  // Carrier NAT: dozens of users behind five addresses; app resumes with an expired token draw 401 bursts, then a refresh.
  for (let u = 0; u < 50; u++) {
    const pr = `mobile-${u}`, ua = g.pick(APP_UA);
    for (let s = 0; s < 3; s++) {
      let t = g.int(0, 6 * HOUR - 10 * MIN); const ip = g.pick(pool);
      for (let k = 0; k < 3; k++) g.ev({ t: t + k * 200, ip, m: 'GET', p: g.pick(['/v1/me', '/v1/projects']), s: 401, ua });
      t += 1500; g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: 200, ua });
      for (let k = 0; k < 5; k++) g.ev({ t: t + 1000 + k * 2000, ip, m: 'GET', p: g.pick(['/v1/me', '/v1/projects']), s: 200, ua, pr });
    }
  }
  cases.push({ detector: 'credential_stuffing_burst', name: 'benign_carrier_nat', description: 'Many app users behind five carrier NAT addresses; expired-token 401 bursts followed by a token refresh.', events: g.sorted(), groups: { nat_addresses: pool.map((x) => `ip|${x}`), nat_users: Array.from({ length: 50 }, (_, u) => `principal|mobile-${u}`) } });
}

// ---------------------------------------------------------------- enumeration
{
  const g = new Gen(21);
  normalUsers(g, 40, 3);
  const ip_ = '2a01:4f8:10a:1::77', pr_ = 'user-prober';
  let t = 2 * HOUR;
  for (let id = 11080; id < 11380; id++) {
    t += g.int(800, 2500);
    const x = g.rnd();
    g.ev({ t, ip: ip_, m: 'GET', p: `/v1/projects/${id}/columns`, s: x < 0.55 ? 403 : x < 0.85 ? 404 : 200, ua: 'go-example/v62', pr: pr_, b: x < 0.85 ? 120 : 3000 });
  }
  cases.push({ detector: 'enumeration', name: 'attack_bola_walk', description: 'One account walks 300 sequential project ids, 85% refused (403/404): BOLA probing.', events: g.sorted(), groups: { prober: [`principal|${pr_}`, `ip|${ip_}`] } });
}
{
  const g = new Gen(22);
  normalUsers(g, 40, 3);
  const ip = '81.2.69.160', pr = 'admin-ops';
  let t = 1 * HOUR;
  for (let id = 5000; id < 5300; id++) {
    t += g.int(3000, 9000);
    g.ev({ t, ip, m: 'GET', p: `/v1/teams/${id}/members`, s: 200, ua: BROWSER_UA[0], pr });
    if (id % 10 === 0) g.ev({ t: t + 500, ip, m: 'GET', p: '/v1/projects', s: 200, ua: BROWSER_UA[0], pr });
  }
  cases.push({ detector: 'enumeration', name: 'benign_admin_paging', description: 'Back-office admin pages through 300 consecutive ids, all 200, list view reloaded in between.', events: g.sorted(), groups: { admin: [`principal|${pr}`, `ip|${ip}`] } });
}
{
  const g = new Gen(23);
  normalUsers(g, 40, 3);
  const ip = '5.9.2.63', pr = 'svc-reconcile';
  let t = 2 * HOUR;
  for (let id = 100_000; id < 101_000; id++) { t += g.int(200, 500); g.ev({ t, ip, m: 'GET', p: `/v1/invoices/${id}`, s: g.rnd() < 0.995 ? 200 : 404, ua: 'Apache-HttpClient/4.5.14 (Java/17.0.10)', pr, k: 'key-recon' }); }
  cases.push({ detector: 'enumeration', name: 'benign_nightly_reconciliation', description: 'Service account walks its own 1000 invoices in id order at a steady rate, ~all 200.', events: g.sorted(), groups: { service_account: [`principal|${pr}`, `ip|${ip}`] } });
}

// ---------------------------------------------------------------- distributed_scraping
{
  const g = new Gen(31);
  normalUsers(g, 60, 8);
  const accounts = Array.from({ length: 20 }, (_, i) => `fresh-${i}`);
  let t = 1 * HOUR, id = 200_000;
  const usedIps = new Set<string>();
  for (let i = 0; i < 900; i++) {
    t += g.int(10_000, 35_000);
    const pr = accounts[i % accounts.length], ip = g.home();
    usedIps.add(ip);
    g.ev({ t, ip, m: 'GET', p: `/v1/teams/${id++}/members`, s: g.rnd() < 0.7 ? 200 : 404, ua: g.pick(BROWSER_UA), pr, b: 4000 });
  }
  cases.push({
    detector: 'distributed_scraping', name: 'attack_low_and_slow', description: '20 fresh accounts over 900 residential IPs sweep a contiguous id range of one endpoint for 6 h; every IP sends one request.',
    events: g.sorted(), groups: { scraper_accounts: accounts.map((a) => `principal|${a}`), proxy_addresses: [...usedIps].map((x) => `ip|${x}`) },
  });
}
{
  const g = new Gen(32);
  normalUsers(g, 100, 8);
  cases.push({ detector: 'distributed_scraping', name: 'benign_app_population', description: '150 app users on their own ids from one or two IPs each.', events: g.sorted(), groups: {} });
}

// ---------------------------------------------------------------- sequence_anomaly
{
  const g = new Gen(41);
  normalUsers(g, 120, 6);
  const ip = '109.40.62.30', pr = 'user-skipper';
  let t = 5 * HOUR;
  for (let i = 0; i < 40; i++) { t += g.int(2000, 9000); const x = g.rnd(); g.ev({ t, ip, m: 'POST', p: `/v1/payments/pay_${g.int(100000, 999999)}/confirm`, s: x < 0.5 ? 404 : x < 0.75 ? 409 : x < 0.85 ? 400 : 200, ua: BROWSER_UA[1], pr }); }
  cases.push({ detector: 'sequence_anomaly', name: 'attack_confirm_unseen_ids', description: 'After 5 h of normal create -> fetch -> confirm flows, one account confirms 40 payments it never created or fetched.', events: g.sorted(), groups: { skipper: [`principal|${pr}`, `ip|${ip}`] } });
}
{
  const g = new Gen(42);
  normalUsers(g, 120, 6);
  cases.push({ detector: 'sequence_anomaly', name: 'benign_normal_flows', description: 'Only normal create -> fetch -> confirm flows.', events: g.sorted(), groups: {} });
}

// ---------------------------------------------------------------- scripted_user_agent
{
  const g = new Gen(51);
  normalUsers(g, 60, 6, { ua: [...APP_UA, ...BROWSER_UA] });
  const pr = 'user-7', ip = '161.35.140.180';
  // The victim uses the app first; then the stolen token is replayed from a cloud server with curl.
  g.ev({ t: 10 * MIN, ip: '92.40.1.5', m: 'GET', p: '/v1/me', s: 200, ua: APP_UA[0], pr });
  let t = 3 * HOUR;
  for (let i = 0; i < 150; i++) {
    t += g.int(5000, 30000);
    const [m, p] = g.pick([['GET', '/v1/me'], ['GET', '/v1/projects'], ['GET', `/v1/projects/${g.int(10000, 99999)}`], ['GET', '/v1/reports'], ['GET', `/v1/invoices/${g.int(10000, 99999)}`]]);
    const x = g.rnd();
    g.ev({ t, ip, m, p, s: x < 0.7 ? 200 : x < 0.85 ? 403 : x < 0.95 ? 404 : 401, ua: 'curl/8.4.0', pr: x < 0.95 ? pr : undefined });
  }
  cases.push({ detector: 'scripted_user_agent', name: 'attack_session_replay_curl', description: 'A stolen app session replayed with curl from a hosting-provider IP across five endpoints, 15% refused.', events: g.sorted(), groups: { replayer: [`principal|${pr}`, `ip|${ip}`] } });
}
{
  const g = new Gen(54);
  normalUsers(g, 60, 6, { ua: [...APP_UA, ...BROWSER_UA] });
  const pr = 'user-9', ip = '165.22.10.20';
  g.ev({ t: 10 * MIN, ip: '92.40.1.6', m: 'GET', p: '/v1/me', s: 200, ua: APP_UA[1], pr });
  let t = 3 * HOUR;
  for (let i = 0; i < 150; i++) {
    t += g.int(5000, 30000);
    const [m, p] = g.pick([['GET', '/v1/me'], ['GET', '/v1/projects'], ['GET', `/v1/projects/${g.int(10000, 99999)}`], ['GET', '/v1/reports'], ['GET', `/v1/invoices/${g.int(10000, 99999)}`]]);
    const x = g.rnd();
    g.ev({ t, ip, m, p, s: x < 0.7 ? 200 : x < 0.85 ? 403 : x < 0.95 ? 404 : 401, ua: 'axios/1.6.8', pr: x < 0.95 ? pr : undefined });
  }
  cases.push({ detector: 'scripted_user_agent', name: 'attack_session_replay_library_ua', description: 'The same replay with a plain HTTP library UA (axios): weaker by UA alone, flagged because the account was an app user and the origin is a hosting range.', events: g.sorted(), groups: { replayer: [`principal|${pr}`, `ip|${ip}`] } });
}
{
  const g = new Gen(52);
  normalUsers(g, 60, 6);
  const pr = 'partner-ledger', ip = '3.120.44.10';
  for (let t = 0; t < 6 * HOUR; t += 20_000) g.ev({ t, ip, m: 'GET', p: g.pick([`/v1/invoices/${g.int(1, 5000)}`, '/v1/reports', `/v1/projects/${g.int(1, 5000)}`]), s: g.rnd() < 0.99 ? 200 : 404, ua: 'Go-http-client/2.0', pr, k: 'key-partner' });
  cases.push({ detector: 'scripted_user_agent', name: 'benign_partner_go_client', description: 'Partner integration: plain Go client from a cloud IP, steady all day, 99% 200.', events: g.sorted(), groups: { partner: [`principal|${pr}`, `ip|${ip}`] } });
}
{
  const g = new Gen(53);
  normalUsers(g, 60, 6);
  const pr = 'dev-anna', ip = '81.20.30.40';
  let t = 2 * HOUR;
  for (let i = 0; i < 120; i++) { t += g.int(5000, 40000); const x = g.rnd(); const [m, p] = g.pick([['GET', '/v1/projects'], ['POST', '/v1/payments'], ['GET', `/v1/projects/${g.int(1, 99)}`], ['GET', '/v1/reports']]); g.ev({ t, ip, m, p, s: x < 0.75 ? 200 : x < 0.9 ? 400 : 404, ua: 'PostmanRuntime/7.39.0', pr }); }
  cases.push({ detector: 'scripted_user_agent', name: 'benign_developer_postman', description: 'A developer testing with Postman: validation errors (400/404), no refused requests.', events: g.sorted(), groups: { developer: [`principal|${pr}`, `ip|${ip}`] } });
}

// ---------------------------------------------------------------- volume_spike
{
  const g = new Gen(61);
  normalUsers(g, 80, 3);
  const ip = '148.251.30.180';
  for (let i = 0; i < 1200; i++) g.ev({ t: 2 * HOUR + Math.floor(i * 200), ip, m: 'GET', p: g.pick(['/v1/reports', `/v1/invoices/${g.int(1, 50)}`]), s: i % 3 === 0 ? 200 : 429, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0' });
  cases.push({ detector: 'volume_spike', name: 'attack_single_ip_flood', description: 'One IP sends 1200 requests in 4 minutes, two thirds throttled (429).', events: g.sorted(), groups: { flooder: [`ip|${ip}`] } });
}
{
  const g = new Gen(62);
  normalUsers(g, 80, 3);
  // Upstream incident: machine clients retry with backoff, answers are 503/502; the busiest also meets its throttle.
  for (let c = 0; c < 3; c++) {
    const ip = `101.132.241.${120 + c}`, pr = `svc-consumer-${c}`;
    for (let t = 0; t < 3 * HOUR; t += 30_000) g.ev({ t, ip, m: 'GET', p: '/v1/reports', s: 200, ua: 'example-java-sdk/25.1.0', pr, k: `key-${c}` });
    for (let i = 0; i < 400; i++) { const t = 2 * HOUR + i * 600; g.ev({ t, ip, m: 'GET', p: '/v1/reports', s: i % 10 === 0 ? 429 : g.rnd() < 0.7 ? 503 : 502, ua: 'example-java-sdk/25.1.0', pr, k: `key-${c}` }); }
  }
  cases.push({ detector: 'volume_spike', name: 'benign_sdk_retry_storm', description: 'Three queue consumers retry through a 15-minute upstream outage (503/502, some 429).', events: g.sorted(), groups: { consumers: [0, 1, 2].flatMap((c) => [`principal|svc-consumer-${c}`, `ip|101.132.241.${120 + c}`]) } });
}
{
  const g = new Gen(63);
  normalUsers(g, 80, 3);
  // Push campaign: 300 app users open the app within three minutes, each start fires a ~2 s burst.
  for (let u = 0; u < 300; u++) {
    const ip = g.home(), pr = `push-${u}`, t = 2 * HOUR + g.int(0, 3 * MIN), ua = g.pick(APP_UA);
    for (let k = 0; k < 3; k++) g.ev({ t: t + k * 400, ip, m: 'GET', p: g.pick(['/v1/me', '/v1/projects', '/v1/reports']), s: 200, ua, pr });
  }
  cases.push({ detector: 'volume_spike', name: 'benign_mobile_app_burst', description: 'Push notification: 300 users open the app within minutes; aggregate spike, normal per user.', events: g.sorted(), groups: { push_users: Array.from({ length: 300 }, (_, u) => `principal|push-${u}`) } });
}

// ---------------------------------------------------------------- forced_browsing
{
  const g = new Gen(71);
  normalUsers(g, 40, 2);
  const ip = '206.189.124.231';
  const probes = ['/.env', '/.git/config', '/.git/HEAD', '/admin', '/admin/login', '/wp-login.php', '/actuator/env', '/actuator/health', '/phpmyadmin/', '/server-status', '/config.json', '/backup.zip', '/api-docs', '/swagger.json', '/v1/.env', '/v2/admin', '/console', '/debug/vars', '/cgi-bin/luci', '/owa/auth/logon.aspx'];
  let t = 1 * HOUR;
  for (let r = 0; r < 3; r++) for (const p of probes) { t += g.int(1500, 3000); g.ev({ t, ip, m: 'GET', p: r ? `/static${p}` : p, s: 403, ua: 'Mozilla/5.0 zgrab/0.x', b: 42 }); }
  cases.push({ detector: 'forced_browsing', name: 'attack_probe_scan', description: 'Scanner requests 60 paths matching no endpoint (dotfiles, admin consoles, actuator).', events: g.sorted(), groups: { scanner: [`ip|${ip}`] } });
}
{
  const g = new Gen(72);
  normalUsers(g, 40, 6);
  for (let i = 0; i < 20; i++) {
    const ip = `66.249.66.${g.int(1, 250)}`, t = g.int(0, 6 * HOUR);
    g.ev({ t, ip, m: 'GET', p: g.pick(['/robots.txt', '/favicon.ico', '/sitemap.xml']), s: 404, ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
    g.ev({ t: t + 2000, ip, m: 'GET', p: `/v1/projects/${g.int(10000, 99999)}`, s: 401, ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
  }
  cases.push({ detector: 'forced_browsing', name: 'benign_search_crawler', description: 'Search crawler from many addresses: robots.txt and a few public URLs.', events: g.sorted(), groups: { crawlers: [...new Set(g.out.filter((e) => /Googlebot/.test(e.ua)).map((e) => `ip|${e.ip}`))] } });
}

// ---------------------------------------------------------------- unauth_bulk_download
{
  const g = new Gen(81);
  normalUsers(g, 40, 4);
  for (let i = 0; i < 200; i++) g.ev({ t: g.int(0, 4 * HOUR), ip: g.home(), m: 'GET', p: `/v1/files/${g.int(1e6, 9e6)}/content`, s: 200, ua: APP_UA[0], pr: `user-${g.int(0, 39)}`, b: g.int(20_000, 200_000) });
  const ip = '95.216.66.93';
  let t = 2 * HOUR;
  for (let i = 0; i < 300; i++) { t += g.int(2000, 6000); g.ev({ t, ip, m: 'GET', p: `/v1/files/${g.int(1e6, 9e6)}/content`, s: g.rnd() < 0.93 ? 200 : 404, ua: 'python-requests/2.31.0', b: g.int(300_000, 2_500_000) }); }
  cases.push({ detector: 'unauth_bulk_download', name: 'attack_anonymous_file_sweep', description: 'Anonymous client downloads 300 files (~1.4 MB each) from an endpoint others use authenticated.', events: g.sorted(), groups: { downloader: [`ip|${ip}`] } });
}
{
  const g = new Gen(82);
  normalUsers(g, 40, 4);
  const ip = '135.181.189.212', pr = 'svc-bi-export';
  let t = 2 * HOUR;
  for (let i = 0; i < 900; i++) { t += g.int(300, 1200); g.ev({ t, ip, m: 'GET', p: `/v1/files/${g.int(1e6, 9e6)}/content`, s: g.rnd() < 0.97 ? 200 : 404, ua: 'Apache-HttpClient/4.5.14 (Java/17.0.10)', pr, k: 'key-bi', b: g.int(300_000, 3_000_000) }); }
  cases.push({ detector: 'unauth_bulk_download', name: 'benign_bulk_export_job', description: 'Nightly BI export with its own API key downloads 900 large files.', events: g.sorted(), groups: { export_job: [`principal|${pr}`, `ip|${ip}`] } });
}
{
  const g = new Gen(83);
  normalUsers(g, 40, 4);
  for (let i = 0; i < 30; i++) { const t = g.int(0, 4 * HOUR); for (let k = 0; k < 3; k++) g.ev({ t: t + k * 500, ip: `31.13.${g.int(1, 250)}.${g.int(1, 250)}`, m: 'GET', p: `/v1/invoices/${g.int(1, 99)}`, s: 401, ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', b: 30 }); }
  cases.push({ detector: 'unauth_bulk_download', name: 'benign_link_preview_bot', description: 'Link-preview fetchers unfurl pasted URLs: a few anonymous GETs each.', events: g.sorted(), groups: { previewers: [...new Set(g.out.filter((e) => /facebookexternalhit/.test(e.ua)).map((e) => `ip|${e.ip}`))] } });
}

{
  // One sweep spread over three hosting addresses with one tool: one address takes most files, the other two stay
  // far under the per-address thresholds. Link previewers fetch a file now and then in the same hours.
  const g = new Gen(84);
  normalUsers(g, 40, 4);
  for (let i = 0; i < 200; i++) g.ev({ t: g.int(0, 4 * HOUR), ip: g.home(), m: 'GET', p: `/v1/files/${g.int(1e6, 9e6)}/content`, s: 200, ua: APP_UA[0], pr: `user-${g.int(0, 39)}`, b: g.int(20_000, 200_000) });
  const ips = ['95.216.66.93', '95.216.70.14', '135.181.42.7'];
  let t = 2 * HOUR;
  for (let i = 0; i < 160; i++) { t += g.int(3000, 8000); const ip = i % 10 < 8 ? ips[0] : ips[1 + (i % 2)]; g.ev({ t, ip, m: 'GET', p: `/v1/files/${g.int(1e6, 9e6)}/content`, s: g.rnd() < 0.93 ? 200 : 404, ua: 'python-requests/2.31.0', b: g.int(300_000, 2_500_000) }); }
  for (let i = 0; i < 12; i++) g.ev({ t: 2 * HOUR + g.int(0, 20 * 60_000), ip: `31.13.${g.int(1, 250)}.${g.int(1, 250)}`, m: 'GET', p: `/v1/files/${g.int(1e6, 9e6)}/content`, s: 200, ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', b: g.int(300_000, 2_500_000) });
  cases.push({ detector: 'unauth_bulk_download', name: 'attack_spread_sweep', description: 'One anonymous sweep over three addresses with one tool, two of them far under the per-address thresholds; link previewers fetch single files meanwhile.', events: g.sorted(), groups: { downloaders: ips.map((ip) => `ip|${ip}`), previewers: [...new Set(g.out.filter((e) => /facebookexternalhit/.test(e.ua)).map((e) => `ip|${e.ip}`))] } });
}

// ---------------------------------------------------------------- brute_force
{
  const g = new Gen(15);
  normalUsers(g, 40, 4); normalLogins(g, 4);
  // One address guessing: a fast start (about 30 a window), then slower (about 12 a window) for 40 minutes.
  const ip = '92.118.40.17';
  let t = 2 * HOUR;
  for (let i = 0; i < 60; i++) { t += g.int(6000, 14000); g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: 400, ua: 'python-requests/2.32.3' }); }
  for (let i = 0; i < 100; i++) { t += g.int(20_000, 30_000); g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: 400, ua: 'python-requests/2.32.3' }); }
  cases.push({ detector: 'brute_force', name: 'attack_password_guessing', description: 'One address submits 160 wrong passwords to the token endpoint (OAuth answers 400 invalid_grant) over an hour, fast at first and then about 12 a window.', events: g.sorted(), groups: { guesser: [`ip|${ip}`] } });
}
{
  const g = new Gen(16);
  normalUsers(g, 40, 6); normalLogins(g, 6);
  // Forgotten passwords: 3-7 failures, a reset, a successful login later, then the account is used.
  const forgetful: string[] = [];
  for (let u = 0; u < 30; u++) {
    const ip = g.home(), ua = g.pick(BROWSER_UA), pr = `forgetful-${u}`;
    forgetful.push(`ip|${ip}`, `principal|${pr}`);
    let t = g.int(0, 5 * HOUR);
    for (let f = 0, n = g.int(3, 7); f < n; f++) { g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: 401, ua }); t += g.int(4000, 30_000); }
    g.ev({ t, ip, m: 'POST', p: '/v1/password/reset', s: 202, ua });
    t += g.int(3, 15) * MIN;
    g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: 200, ua });
    for (let k = 0; k < 3; k++) g.ev({ t: t + 2000 + k * 3000, ip, m: 'GET', p: '/v1/me', s: 200, ua, pr });
  }
  cases.push({ detector: 'brute_force', name: 'benign_forgotten_password', description: 'Thirty people fail 3-7 times, reset their password and log in: nobody guesses at scale.', events: g.sorted(), groups: { forgetful_users: forgetful } });
}
// ---------------------------------------------------------------- credential_stuffing_slow, look-alike
{
  const g = new Gen(17);
  normalUsers(g, 40, 5); normalLogins(g, 5);
  // A brute-forcing address and, in the same hour, returning users who mistype 1-5 times: the hour holds many
  // failures from many addresses, but only the guesser is an attacker; the users have an authenticated history.
  const guesser = '92.118.40.18';
  for (let i = 0; i < 150; i++) g.ev({ t: 3 * HOUR + i * 20_000, ip: guesser, m: 'POST', p: '/v1/oauth/token', s: 401, ua: 'Go-http-client/1.1' });
  const typos: string[] = [];
  for (let u = 0; u < 25; u++) {
    const ip = g.home(), ua = g.pick(BROWSER_UA), pr = `returning-${u}`;
    typos.push(`ip|${ip}`, `principal|${pr}`);
    g.ev({ t: g.int(0, 2 * HOUR), ip, m: 'GET', p: '/v1/me', s: 200, ua, pr });
    let t = 3 * HOUR + g.int(0, 50 * MIN);
    for (let f = 0, n = g.int(1, 5); f < n; f++) { g.ev({ t, ip, m: 'POST', p: '/v1/oauth/token', s: 401, ua }); t += g.int(5000, 40_000); }
    g.ev({ t: t + 20 * MIN, ip, m: 'POST', p: '/v1/oauth/token', s: 200, ua });
  }
  cases.push({ detector: 'credential_stuffing_slow', name: 'benign_typos_during_brute_force', description: 'One address brute-forces for 50 minutes while 25 returning users mistype their password 1-5 times: the guesser is flagged (brute force), the users are not, and no slow surge is declared.', events: g.sorted(), groups: { guesser: [`ip|${guesser}`], typo_users: typos } });
}
// ---------------------------------------------------------------- sequence_anomaly, more
{
  const g = new Gen(43);
  normalUsers(g, 120, 6);
  // A vulnerable API: every confirm succeeds. Slow, too: two or three a window for 40 minutes.
  const ip = '109.40.62.31', pr = 'user-skipper-2';
  g.ev({ t: 4 * HOUR, ip, m: 'GET', p: '/v1/me', s: 200, ua: BROWSER_UA[0], pr });
  let t = 5 * HOUR;
  for (let i = 0; i < 24; i++) { t += g.int(80_000, 120_000); g.ev({ t, ip, m: 'POST', p: `/v1/payments/pay_${g.int(100000, 999999)}/confirm`, s: 200, ua: BROWSER_UA[0], pr }); }
  cases.push({ detector: 'sequence_anomaly', name: 'attack_confirm_all_succeed', description: 'A vulnerable API: one account confirms 24 payments it never created or fetched, every answer 200, two or three per window over 40 minutes.', events: g.sorted(), groups: { skipper: [`principal|${pr}`, `ip|${ip}`] } });
}
{
  const g = new Gen(44);
  normalUsers(g, 120, 6);
  // Support: looks each customer's payment up first, then confirms it (ids it fetched: the flow's order).
  const ip = '81.20.30.41', pr = 'support-agent-1';
  let t = 3 * HOUR;
  for (let i = 0; i < 40; i++) {
    const pay = `pay_${g.int(100000, 999999)}`;
    t += g.int(30_000, 90_000);
    g.ev({ t, ip, m: 'GET', p: `/v1/payments/${pay}`, s: 200, ua: BROWSER_UA[1], pr });
    g.ev({ t: t + g.int(5000, 20_000), ip, m: 'POST', p: `/v1/payments/${pay}/confirm`, s: 200, ua: BROWSER_UA[1], pr });
  }
  cases.push({ detector: 'sequence_anomaly', name: 'benign_support_acts_on_fetched', description: 'A support agent confirms 40 customers\' payments, each looked up first: ids it never created, but fetched in the flow\'s order.', events: g.sorted(), groups: { support_agent: [`principal|${pr}`, `ip|${ip}`] } });
}
// ---------------------------------------------------------------- scripted_user_agent, more
{
  const g = new Gen(55);
  normalUsers(g, 60, 6, { ua: [...APP_UA, ...BROWSER_UA] });
  // A script sending a browser's user agent: only behaviour tells (a new address and client for an app user's
  // account, a request every ~20 s for 90 minutes, across endpoints); no refusals.
  const pr = 'user-11', ip = '161.35.140.181';
  g.ev({ t: 10 * MIN, ip: '92.40.1.7', m: 'GET', p: '/v1/me', s: 200, ua: APP_UA[0], pr });
  g.ev({ t: 40 * MIN, ip: '92.40.1.7', m: 'GET', p: '/v1/projects', s: 200, ua: APP_UA[0], pr });
  let t = 3 * HOUR;
  for (let i = 0; i < 270; i++) {
    t += g.int(17_000, 23_000);
    const [m, p] = g.pick([['GET', '/v1/me'], ['GET', '/v1/projects'], ['GET', `/v1/projects/${g.int(10000, 99999)}`], ['GET', '/v1/reports'], ['GET', `/v1/invoices/${g.int(10000, 99999)}`]]);
    g.ev({ t, ip, m, p, s: g.rnd() < 0.97 ? 200 : 404, ua: BROWSER_UA[0], pr });
  }
  cases.push({ detector: 'scripted_user_agent', name: 'attack_replay_spoofed_browser', description: 'A stolen app session replayed by a script that sends a browser user agent, from a hosting address, one request every ~20 s for 90 minutes across five endpoints, no refusals.', events: g.sorted(), groups: { replayer: [`principal|${pr}`, `ip|${ip}`] } });
}
{
  const g = new Gen(56);
  normalUsers(g, 60, 6, { ua: APP_UA });
  // People who use the phone app and, later, a laptop browser from another address: a new address and client
  // for the account, at a person's pace (reading between clicks, pauses).
  const second: string[] = [];
  for (let u = 0; u < 30; u++) {
    const pr = `two-devices-${u}`, ip1 = g.home(), ip2 = g.home();
    second.push(`principal|${pr}`, `ip|${ip2}`);
    g.ev({ t: g.int(0, HOUR), ip: ip1, m: 'GET', p: '/v1/me', s: 200, ua: APP_UA[u % 3], pr });
    let t = 2 * HOUR + g.int(0, 3 * HOUR);
    for (let i = 0; i < g.int(20, 40); i++) {
      t += g.rnd() < 0.7 ? g.int(2000, 15_000) : g.int(60_000, 240_000);
      g.ev({ t, ip: ip2, m: 'GET', p: g.pick(['/v1/projects', `/v1/projects/${g.int(10000, 99999)}`, '/v1/reports', '/v1/me']), s: 200, ua: BROWSER_UA[u % 2], pr });
    }
  }
  cases.push({ detector: 'scripted_user_agent', name: 'benign_second_device', description: 'Thirty app users also work from a laptop browser at another address: a new address and client for each account, at a person\'s pace.', events: g.sorted(), groups: { second_devices: second } });
}
// ---------------------------------------------------------------- volume_spike, bulk export
{
  const g = new Gen(64);
  normalUsers(g, 80, 4);
  // A nightly export with its own key pulls 1000 distinct files in 6 minutes, five in parallel; the throttle answers 12 % with 429.
  const ip = '135.181.189.213', pr = 'svc-bi-export-2';
  let t = 3 * HOUR;
  for (let i = 0; i < 1000; i++) { t += g.int(150, 570); g.ev({ t, ip, m: 'GET', p: `/v1/files/${1_000_000 + i * 7}/content`, s: g.rnd() < 0.12 ? 429 : 200, ua: 'python-requests/2.32.3', pr, k: 'key-bi-2', b: g.int(300_000, 3_000_000) }); }
  cases.push({ detector: 'volume_spike', name: 'benign_bulk_export_throttled', description: 'Nightly BI export with its own API key: 1000 distinct files in about 6 minutes, 12% throttled (429).', events: g.sorted(), groups: { export_job: [`principal|${pr}`, `ip|${ip}`] } });
}

// ---------------------------------------------------------------- amplifiers
{
  const g = new Gen(91);
  normalUsers(g, 40, 3);
  const ip = '206.189.124.232';
  let t = 1 * HOUR;
  for (let i = 0; i < 40; i++) { t += 2000; g.ev({ t, ip, m: 'GET', p: `/.hidden-${i}`, s: 404, ua: 'Mozilla/5.0 zgrab/0.x', b: 42 }); }
  g.ev({ t: 2 * HOUR, ip: '3.120.44.11', m: 'GET', p: '/v1/reports', s: 200, ua: 'Go-http-client/2.0', pr: 'partner-x' });
  cases.push({
    detector: 'ip_reputation', name: 'hosting_origin_amplifies', description: 'A probe from a hosting range: reputation adds weight to forced browsing; a partner on another hosting IP gets a reputation finding but is not flagged.',
    events: g.sorted(), groups: { prober: [`ip|${ip}`], partner: ['ip|3.120.44.11', 'principal|partner-x'] },
  });
}
{
  // One busy user's client misbehaves for five minutes: big answers, a third of them throttled. Nothing an
  // attack detector looks for (12 requests, its own ids, no refusals): the anomaly score fires on it, naming
  // the two features that stand out, and flags nobody.
  const g = new Gen(92);
  busyUsers(g, 30, 2);
  const pr = 'heavy-user', ip = '176.12.34.56';
  for (let i = 0; i < 12; i++) g.ev({ t: HOUR + 5 * MIN + i * 20_000, ip, m: 'GET', p: '/v1/reports', s: i % 3 === 0 ? 429 : 200, ua: APP_UA[0], pr, b: 400_000 });
  cases.push({
    detector: 'behaviour_anomaly', name: 'never_flags_alone', description: 'A busy population and one client pulling large reports, a third throttled, for five minutes: the anomaly score fires on it (throttled share, bytes per request) and flags nobody by itself.',
    events: g.sorted(), groups: { heavy_client: [`principal|${pr}`, `ip|${ip}`] },
  });
}
{
  // A BOLA walk inside a busy population: enumeration flags it; the anomaly score adds weight because the walk
  // stands out from everyone else in the window on refusals and never-seen ids, and says so in the evidence.
  const g = new Gen(93);
  busyUsers(g, 30, 2);
  const pr = 'user-walker', ip = '109.70.12.34';
  for (let i = 0; i < 90; i++) {
    const x = g.rnd();
    g.ev({ t: HOUR + 5 * MIN + i * 3000, ip, m: 'GET', p: `/v1/projects/${20_000 + i}/columns`, s: x < 0.6 ? 403 : x < 0.9 ? 404 : 200, ua: APP_UA[1], pr, b: x < 0.9 ? 120 : 3000 });
  }
  cases.push({
    detector: 'behaviour_anomaly', name: 'amplifies_bola_walk', description: 'A 90-request id walk (90% refused) among 60 busy actors: enumeration flags the account and its address; the anomaly score fires on both with refused share and new-id share as attributions and raises their score.',
    events: g.sorted(), groups: { walker: [`principal|${pr}`, `ip|${ip}`] },
  });
}

for (const c of cases) {
  const dir = join(HERE, c.detector, c.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input.ndjson'), c.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  writeFileSync(join(dir, 'templates.json'), JSON.stringify(TEMPLATES, null, 1) + '\n');
  const labels: Labels = { description: c.description, groups: c.groups };
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(labels, null, 1) + '\n');
}
console.log(`wrote ${cases.length} cases`);
