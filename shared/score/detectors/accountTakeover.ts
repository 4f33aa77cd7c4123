import type { Detector } from '../detector.ts';
import type { Finding } from '../types.ts';
import { actorKey } from '../window.ts';

type T = { takeoverConfidence: number; originConfidence: number; minNewClients: number };

const STUFFING = new Set(['credential_stuffing_burst', 'credential_stuffing_slow', 'brute_force']);

/**
 * Follows the stuffing detectors of the same window (`input.findings`): an account acting from an address of
 * the stuffing cluster (this window, or flagged for stuffing within the flag hold) that it had never used, or
 * from a never-seen address whose window began with a login that succeeded during a burst, with a client the
 * burst's failing addresses sent and the account never used (bots cycle the tool's user agents; a returning
 * user keeps theirs, and a person's new device is not the tool).
 */
export const accountTakeover: Detector<T> = {
  definition: {
    id: 'account_takeover',
    role: 'primary',
    description: 'An account used for the first time from an address of a credential-stuffing or brute-force cluster, or right after a login that succeeded during the surge from a never-seen address with a client new to the account.',
    scenario: 'credential_stuffing',
    owasp: 'API2:2023 Broken Authentication',
    labels: { behaviour: 'http:account-takeover', mitre: 'T1078', confidence: 'high' },
    weight: 90,
    thresholds: { takeoverConfidence: 0.95, originConfidence: 0.9, minNewClients: 2 },
  },
  detect({ window, state, findings }, t) {
    const out: Finding[] = [];
    const stuffingIps = new Map<string, string>();
    const surgeEndpoints = new Set<string>();
    // The stuffing tool's client strings: a bot that got in on its first try from a fresh address still sends them.
    const surgeUas = new Set<string>();
    for (const f of findings) {
      if (!STUFFING.has(f.detector) || !f.actor.startsWith('ip|')) continue;
      const ep = String(f.evidence.endpoint);
      stuffingIps.set(f.actor.slice(3), ep);
      // A login that merely succeeded counts only during a burst: over a slow surge's hours, people log in from new places all the time.
      if (f.detector === 'credential_stuffing_burst') {
        surgeEndpoints.add(ep);
        for (const ua of window.actors.get(f.actor)?.uas ?? []) surgeUas.add(ua);
      }
    }
    // Logins that succeeded during a surge from addresses never seen before, whose window starts with the login.
    const freshOk = new Map<string, string>();
    for (const ep of surgeEndpoints) {
      const ew = window.endpoints.get(ep);
      if (!ew) continue;
      for (const ip of ew.okIps) {
        if (stuffingIps.has(ip) || state.profiles[actorKey('ip', ip)] !== undefined) continue;
        const w = window.actors.get(actorKey('ip', ip));
        if (w?.firstTpl === ew.key && [...w.uas].some((ua) => surgeUas.has(ua))) freshOk.set(ip, ew.key);
      }
    }
    for (const a of window.actors.values()) {
      if (a.type !== 'principal') continue;
      const prof = state.profiles[a.key];
      for (const ip of a.ips) {
        let via = stuffingIps.get(ip);
        let successOnly = false;
        if (!via) { const ipProf = state.profiles[actorKey('ip', ip)]; if (ipProf && ipProf.scen === 'credential_stuffing' && ipProf.flagged >= window.start) via = 'recent stuffing flag'; }
        if (!via && freshOk.has(ip)) {
          const uaKnown = prof !== undefined && prof.uas.some((ua) => a.uas.has(ua));
          if (!uaKnown && (prof !== undefined || a.uas.size >= t.minNewClients)) { via = freshOk.get(ip)!; successOnly = true; }
        }
        if (!via) continue;
        if (prof !== undefined && prof.ips.includes(ip)) continue;
        out.push({
          detector: 'account_takeover', scenario: 'credential_stuffing', actor: a.key, domain: a.domain, confidence: t.takeoverConfidence,
          evidence: { kind: 'account_takeover', fromIp: ip, ipSeenIn: successOnly ? `login succeeded during the surge on ${via} from a never-seen address` : via, requests: a.n, samples: a.samples },
          related: [actorKey('ip', ip)],
        });
        if (successOnly) {
          out.push({
            detector: 'account_takeover', scenario: 'credential_stuffing', actor: actorKey('ip', ip), domain: a.domain, confidence: t.originConfidence,
            evidence: { kind: 'takeover_origin', endpoint: via, account: a.id, note: 'never-seen address logged in during a stuffing surge, then used an account it had never used' },
            related: [a.key],
          });
        }
        break;
      }
    }
    return out;
  },
};
