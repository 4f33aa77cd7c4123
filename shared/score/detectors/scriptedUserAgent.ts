import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { accWithWindow, type Profile } from '../state.ts';
import type { Finding } from '../types.ts';
import { isAutomationClass, isInteractiveClass, isScriptedClass, type UaClass } from '../uaClass.ts';
import { actorKey, cadenceCv, type ActorWindow } from '../window.ts';

type T = {
  minRequests: number; minScriptedShare: number; minErrorShare: number; minErrorRatioVsApi: number; minTemplates: number; minUaRotation: number;
  minApiRequests: number; defaultApiRefusedShare: number; minInteractiveApiShare: number; minApiClassRequests: number;
  minCadenceRequests: number; maxMachineCadenceCv: number; minReplayTemplates: number;
  scriptedConfidence: number; weakConfidence: number; confidencePerBoost: number;
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
    originPropagation: true,
    description: 'Scripting-tool, headless-browser or scanner user agent (or rapid UA rotation; or, weaker, a plain HTTP library, empty or spoofed browser UA with at least one boost) whose behaviour is also off: a refused (401/403) share far above the API\'s across several endpoints, or a session replay (an account normally used from a browser/app, now from a new address and client at machine cadence). Datacenter origin and an API used from browsers/apps raise confidence.',
    scenario: 'scripted_user_agents',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:automation', mitre: 'T1550.004', confidence: 'medium' },
    weight: 90,
    thresholds: {
      minRequests: 40, minScriptedShare: 0.8, minErrorShare: 0.1, minErrorRatioVsApi: 3, minTemplates: 2, minUaRotation: 6,
      minApiRequests: 200, defaultApiRefusedShare: 0.03, minInteractiveApiShare: 0.6, minApiClassRequests: 200,
      minCadenceRequests: 10, maxMachineCadenceCv: 0.6, minReplayTemplates: 3,
      scriptedConfidence: 0.65, weakConfidence: 0.55, confidencePerBoost: 0.12,
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
      const replay = a.type === 'principal' ? sessionReplay(a, p, t) : null;
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
      if (replay) boosts.push(replay);
      else if (p && p.ucls.some((c) => isInteractiveClass(c as UaClass))) boosts.push('account normally used from an interactive client');
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
      if (!strong && boosts.length === 0) continue;
      out.push({
        detector: 'scripted_user_agent', scenario: 'scripted_user_agents', actor: a.key, domain: dom,
        confidence: Math.min(1, (strong ? t.scriptedConfidence : t.weakConfidence) + t.confidencePerBoost * boosts.length),
        evidence: {
          userAgents: [...a.uas].slice(0, 3), uaClass: top, recentRequests: Math.round(acc.n), refusedShare: r3(errShare), templates: templates.size,
          cadenceCv: cadenceCv(a, t.minCadenceRequests) === null ? null : r3(cadenceCv(a, t.minCadenceRequests)!),
          baseline: { apiRefusedShare: r3(apiErr) }, boosts, samples: a.samples,
        },
        related: a.type === 'principal' ? ips.slice(0, 5).map((ip) => actorKey('ip', ip)) : undefined,
      });
    }
    return out;
  },
};

/**
 * Session replay: the account's history is interactive clients only, and in this window it runs from an
 * address and a client it never used, at a machine's cadence (steady gaps), across several endpoints.
 */
function sessionReplay(a: ActorWindow, p: Profile | undefined, t: T): string | null {
  if (!p || p.ucls.length === 0 || !p.ucls.every((c) => isInteractiveClass(c as UaClass)) || a.newIps === 0 || a.tpls.size < t.minReplayTemplates) return null;
  for (const ua of a.uas) if (p.uas.includes(ua)) return null;
  const cv = cadenceCv(a, t.minCadenceRequests);
  if (cv === null || cv > t.maxMachineCadenceCv) return null;
  return `session replay: account used only from interactive clients, now from a new address and client at machine cadence (gap CV ${r3(cv)})`;
}
