/**
 * Background traffic: ordinary people on an API's apps and web front end. Sessions start with a login,
 * touch the user's own objects, now and then run the business flow (create -> fetch -> confirm), and get
 * the odd 404 or expired-token 401 followed by a refresh. Activity follows the hour of day.
 */
import type { Api } from './apis.ts';
import { MIN, type Gen } from './gen.ts';

export interface User {
  principal: string;
  ips: string[];
  ua: string;
  /** A second device (laptop browser next to the phone app), used from the second address. */
  ua2: string | null;
  own: string[];
  files: string[];
  /** Times this user's sessions started (for victims picked later). */
  sessions: number[];
}

/** Flow objects created by ordinary users (what a sequence-anomaly attacker may have leaked ids of). */
export const createdFlowIds = new WeakMap<Api, string[]>();

/** Relative activity by hour of day (UTC): busy daytime, quiet night. */
const DIURNAL = [0.25, 0.18, 0.15, 0.15, 0.2, 0.3, 0.45, 0.65, 0.85, 1, 1, 1, 0.95, 1, 1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.45, 0.35];

export function sessionStart(g: Gen, start: number, end: number): number {
  for (;;) {
    const t = start + g.rnd() * (end - start - 15 * MIN);
    if (g.rnd() < DIURNAL[new Date(t).getUTCHours()]) return t;
  }
}

export function principalFormat(g: Gen): () => string {
  return g.pick([() => `usr_${g.hex(12)}`, () => `auth0|${g.hex(24)}`, () => g.uuid(), () => String(g.int(10_000_000, 99_999_999))]);
}

export function normalUsers(g: Gen, api: Api, start: number, end: number, count: number, newPrincipal: () => string): User[] {
  const users: User[] = [];
  const flows = createdFlowIds.get(api) ?? [];
  createdFlowIds.set(api, flows);
  const [lo, hi] = api.idRange;
  for (let u = 0; u < count; u++) {
    const user: User = {
      principal: newPrincipal(), ips: g.chance(0.25) ? [g.home(), g.home()] : [g.home()], ua: g.pick(api.appUas), ua2: null,
      own: Array.from({ length: g.int(2, 6) }, () => api.ownId()), files: Array.from({ length: g.int(1, 5) }, () => String(g.int(lo, hi))), sessions: [],
    };
    // Some people use a second device from another place (a benign new address and client for the account).
    if (user.ips.length === 2 && g.chance(0.6)) user.ua2 = g.pick(api.appUas.slice(5));
    users.push(user);
    const n = g.int(1, 4);
    for (let s = 0; s < n; s++) {
      let t = sessionStart(g, start, end);
      user.sessions.push(t);
      const second = user.ua2 !== null && g.chance(0.5);
      const ip = second ? user.ips[1] : user.ips[0], ua = second ? user.ua2! : user.ua;
      const pr = user.principal;
      const e = (ep: Api['me'], path: string, status = 200, withPrincipal = true) => g.emit(api, { t, ip, ep, path, status, ua, principal: withPrincipal ? pr : null });
      if (g.chance(0.7)) {
        // Login (anonymous); a typo now and then.
        if (g.chance(0.04)) { e(api.login, api.login.path(), api.loginFail, false); t += g.int(4000, 15000); }
        e(api.login, api.login.path(), 200, false); t += g.int(500, 3000);
      }
      const steps = g.int(4, 22);
      for (let i = 0; i < steps; i++) {
        t += g.chance(0.8) ? g.int(1500, 30_000) : g.int(30_000, 180_000);
        if (t >= end) break;
        const x = g.rnd();
        if (x < 0.1) {
          // The business flow on an object the user creates.
          const id = api.flowId();
          flows.push(id);
          e(api.flow.create, api.flow.create.path(), 201); t += g.int(800, 4000);
          e(api.flow.fetch, api.flow.fetch.path(id)); t += g.int(2000, 20000);
          e(api.flow.confirm, api.flow.confirm.path(id), g.chance(0.97) ? 200 : 409);
          if (g.chance(0.4)) { t += g.int(1000, 8000); e(api.flow.capture, api.flow.capture.path(id)); }
        } else if (x < 0.2) e(api.me, api.me.path());
        else if (x < 0.4) e(g.pick(api.lists), g.pick(api.lists).path());
        else if (x < 0.7) { const o = g.pick(api.owned); e(o, o.path(g.pick(user.own)), g.chance(0.985) ? 200 : 404); }
        else if (x < 0.78) e(api.update, api.update.path(g.pick(user.own)));
        else if (x < (api.kind === 'files' ? 0.95 : 0.84)) e(api.download, api.download.path(g.pick(user.files)));
        else if (x < 0.9) e(api.walkable, api.walkable.path(g.pick(user.files)), g.chance(0.97) ? 200 : 404);
        else if (g.chance(0.1)) {
          // Expired token: 401, refresh, retry.
          e(api.me, api.me.path(), 401, false); t += g.int(200, 1500);
          e(api.refresh, api.refresh.path(), 200, false); t += g.int(200, 1500);
          e(api.me, api.me.path());
        } else e(g.pick(api.lists), g.pick(api.lists).path());
      }
    }
  }
  return users;
}
