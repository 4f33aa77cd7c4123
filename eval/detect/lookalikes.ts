/**
 * Benign look-alikes: legitimate traffic that resembles an attack on one axis (volume, ids, failures,
 * automation, anonymous downloads) and must not be flagged. `authorizedScanner` is neutral.
 */
import type { Api } from './apis.ts';
import { HOUR, MIN, Trace, type Label } from './gen.ts';
import { sessionStart } from './population.ts';
import { SCRIPT_UAS, type Ctx } from './attacks.ts';

const NIGHT = 2 * HOUR;

/** Event time of the next 01:30-02:30 UTC inside the run (a nightly job's slot). */
function nightly(c: Ctx): number {
  const d = new Date(c.start + 2 * HOUR);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 1, 30) + c.g.int(0, 60) * MIN;
  while (t < c.start + NIGHT) t += 24 * HOUR;
  return Math.min(t, c.end - HOUR);
}

export function partnerIntegration(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const pr = `svc-${g.hex(6)}`, key = g.alnum(10).toLowerCase();
  const ips = Array.from({ length: g.int(1, 4) }, () => g.cloud());
  const ua = g.pick(['Go-http-client/2.0', 'okhttp/4.12.0', 'Apache-HttpClient/4.5.14 (Java/17.0.10)', `LedgerSync-Connector/${g.int(1, 9)}.${g.int(0, 9)} (+https://partner.example/integration)`, 'python-requests/2.32.3', 'axios/1.7.7']);
  const every = g.int(4, 25) * 1000;
  for (let t = c.start + g.int(0, 20_000); t < c.end; t += every * (0.7 + 0.6 * g.rnd())) {
    const x = g.rnd();
    const ep = x < 0.55 ? api.walkable : x < 0.8 ? api.lists[0] : x < 0.9 ? api.flow.create : api.owned[1];
    const path = ep === api.walkable ? ep.path(String(g.int(api.idRange[0], api.idRange[1]))) : ep.path(api.ownId());
    tr.emit({ t, ip: g.pick(ips), ep, path, status: ep === api.flow.create ? 201 : g.chance(0.99) ? 200 : 404, ua, principal: pr, apiKey: key });
  }
  return tr.label('partner_integration', 'benign', `partner on ${ua} from ${ips.length} cloud IPs with an API key, a request every ~${every / 1000} s all run, ~all 2xx`, { ua, every });
}

export function mobileAppBurst(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const t0 = c.start + 3 * HOUR + g.int(0, 5 * HOUR);
  const users = g.int(200, 700);
  for (let u = 0; u < users; u++) {
    const user = c.users[u % c.users.length];
    const pr = u < c.users.length ? user.principal : c.newPrincipal();
    const ip = u < c.users.length ? user.ips[0] : g.home(), ua = g.pick(api.appUas.slice(0, 5));
    const t = t0 + g.int(0, 3 * MIN);
    for (let k = 0; k < g.int(3, 6); k++) { const ep = g.pick([api.me, ...api.lists]); tr.emit({ t: t + k * g.int(150, 500), ip, ep, path: ep.path(), status: 200, ua, principal: pr }); }
  }
  return tr.label('mobile_app_burst', 'benign', `push campaign: ${users} app users open the app within 3 minutes`, { users });
}

export function officeNat(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const ip = g.home();
  const staff = g.int(40, 150);
  for (let s = 0; s < staff; s++) {
    const pr = c.newPrincipal(), ua = g.pick(api.appUas.slice(5));
    const own = Array.from({ length: 3 }, () => api.ownId());
    for (let k = 0; k < g.int(1, 3); k++) {
      let t = sessionStart(g, c.start, c.end);
      if (g.chance(0.05)) { tr.emit({ t, ip, ep: api.login, path: api.login.path(), status: api.loginFail, ua }); t += g.int(4000, 20_000); }
      tr.emit({ t, ip, ep: api.login, path: api.login.path(), status: 200, ua });
      for (let i = 0; i < g.int(5, 25); i++) {
        t += g.int(2000, 60_000);
        const ep = g.pick([api.me, ...api.lists, ...api.owned]);
        tr.emit({ t, ip, ep, path: ep.path(g.pick(own)), status: g.chance(0.98) ? 200 : 404, ua, principal: pr });
      }
    }
  }
  return tr.label('office_nat', 'benign', `${staff} employees behind one office NAT address`, { staff });
}

export function nightlyReconciliation(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const pr = `svc-recon-${g.hex(4)}`, key = g.alnum(10).toLowerCase(), ip = g.cloud();
  const ua = g.pick(['Apache-HttpClient/4.5.14 (Java/17.0.10)', 'python-requests/2.32.3', 'Go-http-client/2.0', 'aws-sdk-java/2.25.0']);
  const n = g.int(300, 1500);
  let id = g.int(api.idRange[0], api.idRange[1] - n - 1);
  let t = nightly(c);
  const gap = g.int(300, 1500);
  for (let i = 0; i < n; i++) { tr.emit({ t, ip, ep: api.walkable, path: api.walkable.path(String(id++)), status: g.chance(0.995) ? 200 : 404, ua, principal: pr, apiKey: key }); t += gap * (0.8 + 0.4 * g.rnd()); }
  return tr.label('nightly_reconciliation', 'benign', `service account walks its own ${n} records in id order at ~02:00`, { n, ua });
}

export function uptimeMonitor(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const ua = g.pick(['Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)', 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', 'Site24x7', 'Amazon-Route53-Health-Check-Service (ref 1a2b3c; report http://amzn.to/1vsZADi)', 'Better Uptime Bot Mozilla/5.0']);
  const ips = Array.from({ length: g.int(1, 4) }, () => g.cloud());
  const every = g.pick([30, 60, 60, 300]) * 1000;
  for (const ip of ips) for (let t = c.start + g.int(0, every); t < c.end; t += every) tr.emit({ t, ip, ep: api.health, path: api.health.path(), status: g.chance(0.999) ? 200 : 503, ua });
  return tr.label('uptime_monitor', 'benign', `uptime checks every ${every / 1000} s from ${ips.length} locations`, { every, ua });
}

export function carrierNat(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const pool = Array.from({ length: g.int(4, 20) }, () => `${g.pick([172, 100, 174])}.${g.int(32, 63)}.${g.int(1, 254)}.${g.int(1, 254)}`);
  const users = g.int(30, 200);
  for (let u = 0; u < users; u++) {
    const pr = c.newPrincipal(), ua = g.pick(api.appUas.slice(0, 5));
    const own = Array.from({ length: 3 }, () => api.ownId());
    for (let s = 0; s < g.int(1, 4); s++) {
      let t = sessionStart(g, c.start, c.end);
      const ip = g.pick(pool);
      // App resume with an expired token: a few 401s, a refresh, then normal use.
      for (let k = 0; k < g.int(1, 4); k++) { const ep = g.pick([api.me, ...api.lists]); tr.emit({ t: t + k * 150, ip, ep, path: ep.path(), status: 401, ua }); }
      t += g.int(800, 2500);
      tr.emit({ t, ip, ep: api.refresh, path: api.refresh.path(), status: 200, ua });
      for (let k = 0; k < g.int(3, 12); k++) { t += g.int(1000, 30_000); const ep = g.pick([api.me, ...api.lists, ...api.owned]); tr.emit({ t, ip, ep, path: ep.path(g.pick(own)), status: 200, ua, principal: pr }); }
    }
  }
  return tr.label('carrier_nat', 'benign', `${users} app users behind ${pool.length} carrier NAT addresses, expired-token 401s then refresh`, { users, pool: pool.length });
}

export function passwordTypos(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const users = g.int(20, 60);
  for (let u = 0; u < users; u++) {
    const user = c.users[g.int(0, c.users.length - 1)];
    let t = sessionStart(g, c.start, c.end);
    for (let f = 0; f < g.int(1, 3); f++) { tr.emit({ t, ip: user.ips[0], ep: api.login, path: api.login.path(), status: api.loginFail, ua: user.ua }); t += g.int(3000, 25_000); }
    tr.emit({ t, ip: user.ips[0], ep: api.login, path: api.login.path(), status: 200, ua: user.ua });
    tr.emit({ t: t + 2000, ip: user.ips[0], ep: api.me, path: api.me.path(), status: 200, ua: user.ua, principal: user.principal });
  }
  return tr.label('password_typos', 'benign', `${users} users mistype their password 1-3 times, then log in`, { users });
}

export function forgottenPassword(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const users = g.int(5, 20);
  for (let u = 0; u < users; u++) {
    const user = c.users[g.int(0, c.users.length - 1)];
    let t = sessionStart(g, c.start, c.end - HOUR);
    for (let f = 0; f < g.int(3, 7); f++) { tr.emit({ t, ip: user.ips[0], ep: api.login, path: api.login.path(), status: api.loginFail, ua: user.ua }); t += g.int(5000, 40_000); }
    tr.emit({ t, ip: user.ips[0], ep: api.passwordReset, path: api.passwordReset.path(), status: 202, ua: user.ua });
    t += g.int(2, 20) * MIN;
    tr.emit({ t, ip: user.ips[0], ep: api.login, path: api.login.path(), status: 200, ua: user.ua });
    tr.emit({ t: t + 1500, ip: user.ips[0], ep: api.me, path: api.me.path(), status: 200, ua: user.ua, principal: user.principal });
  }
  return tr.label('forgotten_password', 'benign', `${users} users fail 3-7 times, reset their password, log in`, { users });
}

export function sdkRetryStorm(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const clients = Array.from({ length: g.int(3, 8) }, () => ({ pr: `svc-${g.hex(5)}`, key: g.alnum(10).toLowerCase(), ip: g.cloud(), ua: g.pick(['aws-sdk-js/3.600.0', 'example-java-sdk/25.1.0', 'RestSharp/110.2.0.0', 'Go-http-client/2.0', 'python-requests/2.32.3', 'okhttp/4.12.0']), every: g.int(5, 30) * 1000 }));
  const o0 = c.start + 3 * HOUR + g.int(0, 4 * HOUR), o1 = o0 + g.int(10, 20) * MIN;
  for (const cl of clients) {
    for (let t = c.start + g.int(0, cl.every); t < c.end; t += cl.every) {
      const ep = g.pick([api.lists[0], api.owned[0]]);
      if (t < o0 || t > o1) { tr.emit({ t, ip: cl.ip, ep, path: ep.path(api.ownId()), status: 200, ua: cl.ua, principal: cl.pr, apiKey: cl.key }); continue; }
      // Retries with exponential backoff, capped, bursts of identical requests.
      let d = 200;
      for (let r = 0; r < 6; r++) { tr.emit({ t: t + d, ip: cl.ip, ep, path: ep.path('x'), status: g.chance(0.08) ? 429 : g.chance(0.7) ? 503 : 502, ua: cl.ua, principal: cl.pr, apiKey: cl.key }); d *= 2; }
    }
  }
  return tr.label('sdk_retry_storm', 'benign', `${clients.length} machine clients retry through a ${Math.round((o1 - o0) / MIN)}-minute upstream outage`, { clients: clients.length });
}

export function searchCrawler(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const bots = [
    { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', ip: () => `66.249.${g.int(64, 79)}.${g.int(1, 254)}` },
    { ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', ip: () => `${g.pick(['157.55.39', '207.46.13', '40.77.167'])}.${g.int(1, 254)}` },
  ];
  for (let i = 0; i < g.int(15, 40); i++) {
    const b = g.pick(bots), ip = b.ip();
    let t = sessionStart(g, c.start, c.end);
    for (const p of ['/robots.txt', '/sitemap.xml', '/favicon.ico'].slice(0, g.int(1, 3))) { tr.emit({ t, ip, ep: { ...api.health, template: '-' }, path: p, status: 404, ua: b.ua }); t += g.int(1000, 20_000); }
    for (let k = 0; k < g.int(1, 6); k++) {
      const ep = g.pick([api.publicGets[0], api.walkable, api.owned[0]]);
      tr.emit({ t, ip, ep, path: ep.path(String(g.int(api.idRange[0], api.idRange[1]))), status: ep === api.publicGets[0] ? 200 : g.pick([401, 403]), ua: b.ua });
      t += g.int(2000, 60_000);
    }
  }
  return tr.label('search_crawler', 'benign', 'Googlebot and bingbot from their published ranges: root files, public endpoints, 401/403 on API URLs', {});
}

export function linkPreviewBot(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const uas = ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'Twitterbot/1.0', 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)', 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', 'TelegramBot (like TwitterBot)'];
  for (let i = 0; i < g.int(10, 40); i++) {
    const ip = g.chance(0.5) ? g.cloud() : g.home(), ua = g.pick(uas), t = sessionStart(g, c.start, c.end);
    const ep = g.pick([api.walkable, api.download, api.publicGets[0]]);
    const path = ep.path(String(g.int(api.idRange[0], api.idRange[1])));
    for (let k = 0; k < g.int(1, 4); k++) tr.emit({ t: t + k * g.int(100, 2000), ip, ep, path, status: ep === api.publicGets[0] ? 200 : 401, ua });
  }
  return tr.label('link_preview_bot', 'benign', 'link-preview fetchers unfurl pasted API URLs', {});
}

export function adminPaging(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const pr = `admin-${g.hex(4)}`, ip = g.home(), ua = api.appUas[5];
  const n = g.int(200, 600);
  let id = g.int(api.idRange[0], api.idRange[1] - n - 1);
  let t = c.start + 2 * HOUR + g.int(0, 6 * HOUR);
  for (let i = 0; i < n; i++) {
    t += g.int(2000, 9000);
    tr.emit({ t, ip, ep: api.walkable, path: api.walkable.path(String(id++)), status: 200, ua, principal: pr });
    if (i % 10 === 0) tr.emit({ t: t + 400, ip, ep: api.lists[0], path: api.lists[0].path(), status: 200, ua, principal: pr });
  }
  return tr.label('admin_paging', 'benign', `admin pages through ${n} consecutive ids, all 200`, { n });
}

export function supportLookup(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const agents = Array.from({ length: g.int(1, 3) }, () => ({ pr: `support-${g.hex(4)}`, ua: api.appUas[5 + g.int(0, 2)] }));
  const ip = g.home();
  for (const a of agents) {
    let t = c.start + 2 * HOUR + g.int(0, 3 * HOUR);
    for (let k = 0; k < g.int(30, 120); k++) {
      t += g.int(20_000, 240_000);
      if (t > c.end) break;
      // A customer's record, their object, and now and then an action on what was just looked up.
      const cust = String(g.int(api.idRange[0], api.idRange[1]));
      tr.emit({ t, ip, ep: api.walkable, path: api.walkable.path(cust), status: g.chance(0.97) ? 200 : 404, ua: a.ua, principal: a.pr });
      const fid = api.flowId();
      tr.emit({ t: t + g.int(3000, 20_000), ip, ep: api.flow.fetch, path: api.flow.fetch.path(fid), status: 200, ua: a.ua, principal: a.pr });
      if (g.chance(0.3)) tr.emit({ t: t + g.int(25_000, 60_000), ip, ep: api.flow.capture, path: api.flow.capture.path(fid), status: 200, ua: a.ua, principal: a.pr });
    }
  }
  return tr.label('support_lookup', 'benign', `${agents.length} support agents look up customers' records and act on what they looked up`, { agents: agents.length });
}

export function bulkExportJob(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const pr = `svc-export-${g.hex(4)}`, key = g.alnum(10).toLowerCase(), ip = g.cloud();
  const ua = g.pick(['Apache-HttpClient/4.5.14 (Java/17.0.10)', 'python-requests/2.32.3', 'Go-http-client/2.0', 'aws-sdk-java/2.25.0', 'curl/8.4.0', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)']);
  const files = g.int(300, 1500), parallel = g.int(1, 6);
  const throttles = g.chance(0.5);
  let t = nightly(c);
  for (let page = 0; page * 100 < files; page++) {
    tr.emit({ t, ip, ep: api.pagedList, path: api.pagedList.path(), status: 200, ua, principal: pr, apiKey: key });
    for (let i = 0; i < Math.min(100, files - page * 100); i++) {
      const slot = t + (i % parallel) * g.int(50, 300);
      const st = throttles && g.chance(0.12) ? 429 : g.chance(0.98) ? 200 : 404;
      tr.emit({ t: slot, ip, ep: api.download, path: api.download.path(String(g.int(api.idRange[0], api.idRange[1]))), status: st, ua, principal: pr, apiKey: key, bytes: st === 200 ? g.int(500_000, 6_000_000) : 120 });
      if (i % parallel === parallel - 1) t += g.int(400, 2500);
    }
  }
  return tr.label('bulk_export_job', 'benign', `nightly BI export with an API key: ${files} large files, ${parallel} in parallel${throttles ? ', some throttled' : ''}`, { files, parallel, ua, throttles });
}

/** The customer's own scan: neutral (flagging it is right unless allow-listed). */
export function authorizedScanner(c: Ctx): Label {
  const { g, api } = c;
  const tr = new Trace(g, api);
  const ip = g.cloud(), ua = 'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)';
  let t = nightly(c);
  for (const p of ['/.env', '/.git/config', '/admin', '/actuator/env', '/swagger.json', '/server-status', '/backup.zip', '/debug/vars']) { tr.emit({ t, ip, ep: { ...api.health, template: '-' }, path: p, status: 404, ua }); t += 300; }
  for (const ep of [api.me, ...api.lists, ...api.owned, api.walkable, api.download]) { tr.emit({ t, ip, ep, path: ep.path('1'), status: g.pick([401, 403, 404, 400]), ua }); t += 300; }
  return tr.label('authorized_scanner', 'benign', 'the customer\'s own scheduled scan from a fixed IP', {});
}

export const SCRIPT_FAMILIES = Object.keys(SCRIPT_UAS);
export type { Api };
