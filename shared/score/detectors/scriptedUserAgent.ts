import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { accWithWindow, type Profile } from '../state.ts';
import type { Finding } from '../types.ts';
import { isAutomationClass, isInteractiveClass, isScriptedClass, type UaClass } from '../uaClass.ts';
import { actorKey, cadenceCv, type ActorWindow } from '../window.ts';

type T = {
  minRequests: number; minScriptedShare: number; minErrorShare: number; minErrorRatioVsApi: number; minTemplates: number; minUaRotation: number;
  minApiRequests: number; defaultApiRefusedShare: number; minInteractiveApiShare: number; minApiClassRequests: number;
  minCadenceRequests: number; maxMachineCadenceCv: number; minReplayTemplates: number; maxReplayAnonShare: number; minReplayRequests: number; minReplaySpanMs: number; minAccountLeadMs: number;
  scriptedConfidence: number; weakConfidence: number; replayConfidence: number; confidencePerBoost: number;
};

/**
 * Automation is evidence only when behaviour agrees. Two ways it does: refused requests (401/403) well above
 * the API's across several endpoints, or a session replay: an account normally used from a browser or app,
 * now driven from an address and a client it never used, at a machine's steady cadence, across endpoints.
 * The client can be a scripting tool or headless browser, a plain HTTP library or empty (weaker), or a
 * browser string a library sends (only through the replay, and only with a client new to the account).
 * A partner on a plain Go/SDK client with clean traffic never fires; nor does a developer whose errors are
 * 400/404 and whose pace is a person's.
 */
export const scriptedUserAgent: Detector<T> = {
  definition: {
    id: 'scripted_user_agent',
    role: 'primary',
    description: 'Scripting-tool, headless-browser or scanner user agent (or rapid UA rotation; or, weaker, a plain HTTP library, empty or spoofed browser UA with at least one boost) whose behaviour is also off: a refused (401/403) share far above the API\'s across several endpoints, or a session replay (an account normally used from a browser/app, now from a new address and client at machine cadence). Datacenter origin and an API used from browsers/apps raise confidence.',
    scenario: 'scripted_user_agents',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:automation', mitre: 'T1550.004', confidence: 'medium' },
    weight: 90,
    thresholds: {
      minRequests: 40, minScriptedShare: 0.8, minErrorShare: 0.1, minErrorRatioVsApi: 3, minTemplates: 2, minUaRotation: 6,
      minApiRequests: 200, defaultApiRefusedShare: 0.03, minInteractiveApiShare: 0.6, minApiClassRequests: 200,
      minCadenceRequests: 6, maxMachineCadenceCv: 0.6, minReplayTemplates: 3, maxReplayAnonShare: 0.1, minReplayRequests: 30, minReplaySpanMs: 900_000, minAccountLeadMs: 60_000,
      scriptedConfidence: 0.85, weakConfidence: 0.75, replayConfidence: 0.85, confidencePerBoost: 0.1,
    },
  },
  detect({ window, state, reputation }, t) {
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.type !== 'principal' && a.type !== 'ip') continue;
      let scripted = 0, auto = 0;
      let top: UaClass | null = null, topN = 0;
      for (const [c, n] of a.classes) {
        if (isScriptedClass(c)) scripted += n;
        if (isAutomationClass(c)) auto += n;
        if (n > topN) { top = c; topN = n; }
      }
      const p = state.profiles[a.key];
      // Judged on the address: its window holds only the replayer's requests (the owner goes on elsewhere).
      const replay = a.type === 'ip' && sustained(a, p, window.end, t) ? sessionReplay(a, p, replayedAccount(a, state.profiles, t), t) : null;
      // A plain HTTP library / SDK UA is how partners call APIs: only a weak candidate (needs a boost below).
      const weak = scripted < t.minScriptedShare * a.n && auto >= t.minScriptedShare * a.n;
      const rotating = a.type === 'principal' && a.uas.size >= t.minUaRotation;
      if (!scripted && !weak && !rotating && !replay) continue;
      const acc = accWithWindow(p, a, scripted, window.end, auto);
      const share = (weak ? acc.auto : acc.scripted) / acc.n;
      const automated = share >= t.minScriptedShare || rotating;
      if (!automated && !replay) continue;
      if (acc.n < t.minRequests && !replay) continue;
      // Refused = 401/403: the session or token is not (or no longer) entitled. Validation errors (400/404/422)
      // are what developers testing with Postman or curl produce, and are not counted.
      const errShare = (acc.e401 + acc.e403) / acc.n;
      const dom = a.domain;
      const d = state.population.domains[dom];
      const apiErr = d && d.n > t.minApiRequests ? d.refused / d.n : t.defaultApiRefusedShare;
      const refusing = errShare >= t.minErrorShare && errShare >= t.minErrorRatioVsApi * apiErr;
      if (!refusing && !replay) continue;
      const templates = new Set<string>(Object.keys(p?.tpl ?? {}));
      for (const u of a.tpls.values()) templates.add(u.id);
      if (templates.size < t.minTemplates) continue;
      const boosts: string[] = [];
      if (!replay && p && p.ucls.some((c) => isInteractiveClass(c as UaClass))) boosts.push('account normally used from an interactive client');
      if (refusing && replay) boosts.push(`refused ${Math.round(100 * errShare)}% vs the API's ${Math.round(100 * apiErr)}%`);
      if (d) {
        let inter = 0, tot = 0;
        for (const [c, n] of Object.entries(d.cls)) { tot += n; if (isInteractiveClass(c as UaClass)) inter += n; }
        if (tot > t.minApiClassRequests && inter / tot >= t.minInteractiveApiShare) boosts.push(`API used ${Math.round((100 * inter) / tot)}% from browsers/apps`);
      }
      const ips = a.type === 'ip' ? [a.id] : [...a.ips];
      const rep = ips.map((ip) => reputation.labelOf(ip)).find((l) => l === 'datacenter' || l === 'tor' || l === 'proxy' || l === 'deny');
      if (rep) boosts.push(`origin ${rep}`);
      if (rotating) boosts.push(`${a.uas.size} user agents in one window`);
      const strong = share >= t.minScriptedShare && !weak;
      if (!strong && !replay && boosts.length === 0) continue;
      out.push({
        detector: 'scripted_user_agent', scenario: 'scripted_user_agents', actor: a.key, domain: dom,
        confidence: Math.min(1, (replay ? t.replayConfidence : strong ? t.scriptedConfidence : t.weakConfidence) + t.confidencePerBoost * boosts.length),
        evidence: {
          replay: replay ?? undefined, userAgents: [...a.uas].slice(0, 3), uaClass: top, recentRequests: Math.round(acc.n), refusedShare: r3(errShare), templates: templates.size,
          cadenceCv: cadenceOf(a, p, t),
          baseline: { apiRefusedShare: r3(apiErr) }, boosts, samples: a.samples,
        },
        related: a.type === 'principal' ? ips.slice(0, 5).map((ip) => actorKey('ip', ip)) : [...a.prs].map((pr) => actorKey('principal', pr)),
      });
      // The address replaying one account's session: the account is compromised too (its owner keeps using it elsewhere).
      if (replay && a.type === 'ip') {
        const pr = actorKey('principal', [...a.prs][0]);
        out.push({ ...out[out.length - 1], actor: pr, evidence: { ...out[out.length - 1].evidence, replayedFrom: a.id }, related: [a.key] });
      }
    }
    return out;
  },
};

/**
 * Session replay, judged on an address that works for one account: the account existed before the address
 * appeared, was used from interactive clients and from other addresses, and this address drives it with
 * clients the account's other sessions do not use, for long (`sustained`) and at a machine's cadence (steady
 * gaps over the address's recent requests). A person's second device has a person's pauses and short sessions.
 */
function sessionReplay(a: ActorWindow, q: Profile | undefined, p: Profile | undefined, t: T): string | null {
  if (!p || !q || a.tpls.size < t.minReplayTemplates || p.fs >= q.fs - t.minAccountLeadMs) return null;
  if (q.prs.some((x) => !a.prs.has(x)) || !p.ucls.some((c) => isInteractiveClass(c as UaClass))) return null;
  if (!p.ips.some((ip) => ip !== a.id)) return null;
  const own = new Set(q.uas);
  for (const ua of a.uas) own.add(ua);
  if (!p.uas.some((ua) => !own.has(ua))) return null;
  const cv = cadenceCv(a, t.minCadenceRequests, q.acc);
  if (cv === null || cv > t.maxMachineCadenceCv) return null;
  return `session replay: an account used from interactive clients elsewhere, driven from a new address with another client at machine cadence (gap CV ${r3(cv)})`;
}

/** The one account an address worked for in the window (mostly authenticated), else undefined. */
function replayedAccount(a: ActorWindow, profiles: Readonly<Record<string, Profile>>, t: T): Profile | undefined {
  if (a.type !== 'ip' || a.prs.size !== 1 || a.unauth > t.maxReplayAnonShare * a.n) return undefined;
  return profiles[actorKey('principal', [...a.prs][0])];
}

/** A person's session on a new device is short; a replay keeps going: enough requests over long enough. */
function sustained(a: ActorWindow, p: Profile | undefined, end: number, t: T): boolean {
  return p !== undefined && p.n + a.n >= t.minReplayRequests && end - p.fs >= t.minReplaySpanMs;
}

function cadenceOf(a: ActorWindow, p: Profile | undefined, t: T): number | null {
  const cv = cadenceCv(a, t.minCadenceRequests, p?.acc);
  return cv === null ? null : r3(cv);
}
