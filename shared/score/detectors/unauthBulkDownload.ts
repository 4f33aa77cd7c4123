import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { accWithWindow } from '../state.ts';
import type { Finding } from '../types.ts';

type T = {
  minRequests: number; minBytes: number; minUnauthShare: number; minDistinctIds: number; minBytesRatioVsEndpoint: number; largeAnswerBytes: number;
  minUnauthPerEndpoint: number; minBaselineRequests: number; authEndpointShare: number; baseConfidence: number; authEndpointBoost: number; heavyMultiple: number; heavyBoost: number;
  accompliceMinDownloads: number; accompliceMinObjects: number; accompliceBytesShare: number;
};

export const unauthBulkDownload: Detector<T> = {
  definition: {
    id: 'unauth_bulk_download',
    role: 'primary',
    description: 'An unauthenticated caller downloads many distinct objects with large answers (bytes far above the endpoint norm), accumulated over hours: data exfiltration through an endpoint that allows anonymous access.',
    scenario: 'unauth_bulk_download',
    owasp: 'API1:2023 Broken Object Level Authorization / API3:2023 Broken Object Property Level Authorization',
    labels: { behaviour: 'http:exfiltration', mitre: 'T1530', confidence: 'medium' },
    weight: 90,
    perWindow: ['minUnauthPerEndpoint', 'accompliceMinDownloads', 'accompliceMinObjects'],
    thresholds: {
      minRequests: 20, minBytes: 20_000_000, minUnauthShare: 0.9, minDistinctIds: 5, minBytesRatioVsEndpoint: 5, largeAnswerBytes: 1_000_000,
      minUnauthPerEndpoint: 2, minBaselineRequests: 50, authEndpointShare: 0.5, baseConfidence: 0.85, authEndpointBoost: 0.15, heavyMultiple: 4, heavyBoost: 0.1,
      // A sweep spread over a few addresses, each under the thresholds: the others that fetched distinct objects
      // from the same endpoint in the window, anonymously, with the same client and answers of like size.
      accompliceMinDownloads: 3, accompliceMinObjects: 3, accompliceBytesShare: 0.25,
    },
  },
  detect({ window, state, resolver }, t) {
    const out: Finding[] = [];
    for (const a of window.actors.values()) {
      if (a.type !== 'ip' || a.unauthOk === 0) continue;
      const acc = accWithWindow(state.profiles[a.key], a, 0, window.end);
      if (acc.unauthOk < t.minRequests || acc.unauthBytes < t.minBytes || acc.unauth / acc.n < t.minUnauthShare) continue;
      let best = null as null | { key: string; ids: number; bytes: number; n: number; ratio: number; authShare: number; samples: readonly string[] };
      let objects = a.unmatchedPaths.size;
      for (const u of a.tpls.values()) {
        if (u.unauth < t.minUnauthPerEndpoint) continue;
        objects += Math.max(u.distinctIds, 1);
        const base = state.endpoints[u.key];
        const meanBase = base && base.tot > t.minBaselineRequests ? base.bytes / base.tot : null;
        const ratio = meanBase ? u.bytes / u.n / meanBase : Infinity;
        const info = resolver.endpointInfo(u.domain, u.method, u.template);
        const authShare = info && info.requestCount ? info.authRequests / info.requestCount : 0;
        if (!best || u.bytes > best.bytes) best = { key: u.key, ids: u.distinctIds, bytes: u.bytes, n: u.n, ratio, authShare, samples: u.samples };
      }
      if (!best || objects < t.minDistinctIds) continue;
      if (best.ratio < t.minBytesRatioVsEndpoint && best.bytes / best.n < t.largeAnswerBytes) continue;
      out.push({
        detector: 'unauth_bulk_download', scenario: 'unauth_bulk_download', actor: a.key, domain: best.key.split(' ')[0],
        confidence: Math.min(1, t.baseConfidence + (best.authShare >= t.authEndpointShare ? t.authEndpointBoost : 0) + (acc.unauthBytes > t.heavyMultiple * t.minBytes ? t.heavyBoost : 0)),
        evidence: {
          endpoint: best.key, requestsThisWindow: best.n, distinctObjects: objects, bytesThisWindow: best.bytes,
          recentUnauthenticatedDownloads: Math.round(acc.unauthOk), recentBytes: Math.round(acc.unauthBytes),
          baseline: { bytesPerRequestVsEndpoint: Number.isFinite(best.ratio) ? r3(best.ratio) : 'not learned yet', endpointAuthenticatedShare: r3(best.authShare) },
          samples: best.samples,
        },
      });
    }
    // Accomplices of each flagged sweep: same endpoint, same window, same client string, anonymous 2xx of
    // distinct objects with answers of like size. A preview bot or a person fetching a file or two is neither.
    const anchors = new Map<string, { actor: string; uas: ReadonlySet<string>; bytesPerRequest: number }>();
    for (const f of out) {
      const a = window.actors.get(f.actor)!;
      const key = String(f.evidence.endpoint);
      const u = a.tpls.get(key);
      if (u && !anchors.has(key)) anchors.set(key, { actor: f.actor, uas: a.uas, bytesPerRequest: u.bytes / Math.max(1, u.n) });
    }
    if (anchors.size === 0) return out;
    const flagged = new Set(out.map((f) => f.actor));
    for (const a of window.actors.values()) {
      if (a.type !== 'ip' || flagged.has(a.key) || a.unauthOk < t.accompliceMinDownloads || a.unauth / a.n < t.minUnauthShare) continue;
      for (const [key, anchor] of anchors) {
        const u = a.tpls.get(key);
        if (!u || u.unauth < t.accompliceMinDownloads || Math.max(u.distinctIds, 1) < t.accompliceMinObjects) continue;
        if (u.bytes / u.n < t.accompliceBytesShare * anchor.bytesPerRequest) continue;
        let sameClient = false;
        for (const ua of a.uas) if (anchor.uas.has(ua)) { sameClient = true; break; }
        if (!sameClient) continue;
        out.push({
          detector: 'unauth_bulk_download', scenario: 'unauth_bulk_download', actor: a.key, domain: key.split(' ')[0], confidence: t.baseConfidence,
          evidence: { endpoint: key, accompliceOf: anchor.actor, requestsThisWindow: u.n, distinctObjects: Math.max(u.distinctIds, 1), bytesThisWindow: u.bytes, samples: u.samples },
        });
        flagged.add(a.key);
        break;
      }
    }
    return out;
  },
};
