import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { accWithWindow } from '../state.ts';
import type { Finding } from '../types.ts';

/** Paths scanners try: dotfiles, admin consoles, framework internals, backups, API docs. */
export const PROBE_PATH = /(\/\.[a-z]|\.env|\.git|\.svn|wp-|\.php|\/admin|actuator|phpmyadmin|\/config|backup|\.bak|\.sql|\.zip|swagger|api-docs|openapi|server-status|cgi-bin|\.aspx?|\/console|\/debug|\/jenkins|\/manager\/html|\/solr|\/\.well-known\/security)/i;

export const forcedBrowsing: Detector<{ minUnmatched: number; minDistinctPaths: number; minUnmatchedShare: number; minAccumulated: number; slowMinDistinctPaths: number; baseConfidence: number; probeConfidence: number }> = {
  definition: {
    id: 'forced_browsing',
    role: 'primary',
    description: 'An actor requests many distinct paths that match no endpoint of the API (dotfiles, admin consoles, framework internals): probing for unlisted functionality. Counted per window and accumulated over hours for slow scanners.',
    scenario: 'forced_browsing',
    owasp: 'API9:2023 Improper Inventory Management',
    labels: { behaviour: 'http:scan', mitre: 'T1595.003', confidence: 'high' },
    weight: 90,
    perWindow: ['minUnmatched', 'minDistinctPaths', 'slowMinDistinctPaths'],
    thresholds: { minUnmatched: 15, minDistinctPaths: 10, minUnmatchedShare: 0.5, minAccumulated: 40, slowMinDistinctPaths: 2, baseConfidence: 0.85, probeConfidence: 0.15 },
  },
  detect({ window, state }, t) {
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.unmatched === 0 || a.type === 'api_key') continue;
      const share = a.unmatched / a.n;
      const acc = accWithWindow(state.profiles[a.key], a, 0, window.end);
      const burst = a.unmatched >= t.minUnmatched && a.unmatchedPaths.size >= t.minDistinctPaths && share >= t.minUnmatchedShare;
      const slow = acc.unmatched >= t.minAccumulated && acc.unmatched / acc.n >= t.minUnmatchedShare && a.unmatchedPaths.size >= t.slowMinDistinctPaths;
      if (!burst && !slow) continue;
      let probes = 0;
      for (const p of a.unmatchedPaths) if (PROBE_PATH.test(p)) probes++;
      const probeShare = probes / a.unmatchedPaths.size;
      out.push({
        detector: 'forced_browsing', scenario: 'forced_browsing', actor: a.key, domain: a.domain,
        confidence: Math.min(1, t.baseConfidence + t.probeConfidence * probeShare),
        evidence: {
          unmatchedRequests: a.unmatched, distinctUnmatchedPaths: a.unmatchedPaths.size, unmatchedShare: r3(share), knownProbePatternShare: r3(probeShare),
          accumulatedUnmatched: Math.round(acc.unmatched), examples: [...a.unmatchedPaths].slice(0, 8), status: { '403': a.e403, '404': a.e404 },
        },
      });
    }
    return out;
  },
};
