import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { accWithWindow } from '../state.ts';
import type { Finding } from '../types.ts';
import { isAutomationClass, isInteractiveClass, isScriptedClass, type UaClass } from '../uaClass.ts';
import { actorKey } from '../window.ts';

/**
 * A scripting tool or headless browser UA is only evidence when behaviour agrees: many refused requests
 * across several endpoints. A partner on a plain SDK / Go client with clean traffic never fires.
 */
export const scriptedUserAgent: Detector<{ minRequests: number; minScriptedShare: number; minErrorShare: number; minErrorRatioVsApi: number; minTemplates: number; minUaRotation: number }> = {
  definition: {
    id: 'scripted_user_agent',
    role: 'primary',
    description: 'Scripting-tool, headless-browser or scanner user agent (or rapid UA rotation; or, weaker, a plain HTTP library UA with at least one boost) whose behaviour is also off: a high refused (401/403) share against the API baseline across several endpoints. Session replay (an account normally used from a browser/app now driven by a script) and datacenter origin raise confidence.',
    scenario: 'scripted_user_agents',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:automation', mitre: 'T1550.004', confidence: 'medium' },
    weight: 80,
    thresholds: { minRequests: 40, minScriptedShare: 0.8, minErrorShare: 0.1, minErrorRatioVsApi: 3, minTemplates: 2, minUaRotation: 6 },
  },
  detect({ window, state, reputation }, t) {
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.type === 'api_key') continue;
      let scripted = 0, auto = 0;
      let top: UaClass | null = null, topN = 0;
      for (const [c, n] of a.classes) {
        if (isScriptedClass(c)) scripted += n;
        if (isAutomationClass(c)) auto += n;
        if (n > topN) { top = c; topN = n; }
      }
      // An HTTP library / SDK UA is how partners call APIs: it is only a weak candidate (needs a boost below).
      const weak = scripted === 0 && auto >= t.minScriptedShare * a.n;
      const rotating = a.type === 'principal' && a.uas.size >= t.minUaRotation;
      if (!scripted && !weak && !rotating) continue;
      const p = state.profiles[a.key];
      const acc = accWithWindow(p, a, scripted, window.end, auto);
      const share = (weak ? acc.auto : acc.scripted) / acc.n;
      if (acc.n < t.minRequests || (share < t.minScriptedShare && !rotating)) continue;
      // Refused = 401/403: the session or token is not (or no longer) entitled. Validation errors (400/404/422)
      // are what developers testing with Postman or curl produce, and are not counted.
      const errShare = (acc.e401 + acc.e403) / acc.n;
      const dom = a.domain;
      const d = state.population.domains[dom];
      const apiErr = d && d.n > 200 ? d.refused / d.n : 0.03;
      if (errShare < t.minErrorShare || errShare < t.minErrorRatioVsApi * apiErr) continue;
      const templates = new Set<string>(Object.keys(p?.tpl ?? {}));
      for (const u of a.tpls.values()) templates.add(u.id);
      if (templates.size < t.minTemplates) continue;
      const boosts: string[] = [];
      if (p && p.ucls.some((c) => isInteractiveClass(c as UaClass))) boosts.push('account normally used from an interactive client');
      if (d) {
        let inter = 0, tot = 0;
        for (const [c, n] of Object.entries(d.cls)) { tot += n; if (isInteractiveClass(c as UaClass)) inter += n; }
        if (tot > 200 && inter / tot >= 0.6) boosts.push(`API used ${Math.round((100 * inter) / tot)}% from browsers/apps`);
      }
      const ips = a.type === 'ip' ? [a.id] : [...a.ips];
      const rep = ips.map((ip) => reputation.labelOf(ip)).find((l) => l === 'datacenter' || l === 'tor' || l === 'proxy' || l === 'deny');
      if (rep) boosts.push(`origin ${rep}`);
      if (rotating) boosts.push(`${a.uas.size} user agents in one window`);
      if (weak && boosts.length === 0) continue;
      out.push({
        detector: 'scripted_user_agent', scenario: 'scripted_user_agents', actor: a.key, domain: dom,
        confidence: Math.min(1, (weak ? 0.52 : 0.65) + 0.12 * boosts.length),
        evidence: {
          userAgents: [...a.uas].slice(0, 3), uaClass: top, recentRequests: Math.round(acc.n), refusedShare: r3(errShare), templates: templates.size,
          baseline: { apiRefusedShare: r3(apiErr) }, boosts, samples: a.samples,
        },
        related: a.type === 'principal' ? ips.slice(0, 5).map((ip) => actorKey('ip', ip)) : undefined,
      });
    }
    return out;
  },
};
