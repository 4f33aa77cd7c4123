import type { Check, Finding } from '../types.ts';
import { addSample, capRecord, pruneDue, is2xx, maskedKinds, shortHash, truncate } from '../util.ts';
import { isFileEndpoint, isLoginEndpoint } from '../classifyEndpoint.ts';

interface EndpointAuthStats {
  authRequests: number;
  /** Distinct authenticated callers as short hashes (capped at 5: only "at least minAuthCallers" matters). */
  authCallers: string[];
  unauthRequests: number;
  unauthSuccess: number;
  /** Anonymous 2xx per event-time hour over the last 24 h: [hour start, count], oldest first. */
  unauthSuccessHourly: Array<[number, number]>;
  unauthRejected: number;
  unauthBytes: number;
  sensitiveKinds: string[];
  ips: string[];
  userAgents: string[];
  lastTs: number;
}

export interface UnauthenticatedAccessState { endpoints: Record<string, EndpointAuthStats> }

const HOUR = 3_600_000;

const thresholds = {
  /** Successful anonymous requests within the last 24 h before the endpoint is reported (a rate, so that slow
   * steady traffic such as crawlers on public endpoints never accumulates into a finding). */
  minUnauthSuccess: 50,
  /** ...when that many distinct authenticated callers use the same endpoint... */
  minAuthCallers: 3,
  /** ...with at least this many authenticated requests. */
  minAuthRequests: 20,
  /** Without authenticated callers: anonymous successes (24 h) on an endpoint carrying sensitive data in its URL. */
  minUnauthSuccessSensitive: 5,
  /** Without authenticated callers: average anonymous response size (bytes) that counts as bulk data. */
  bulkAvgBytes: 1_000_000,
  maxEndpoints: 20_000,
};

/**
 * Endpoints answering 2xx to callers with neither a principal nor an API key while other callers reach them
 * authenticated, or while they carry sensitive data or bulk responses. File downloads and login/token endpoints
 * are left to their own checks.
 */
export const unauthenticatedAccess: Check<UnauthenticatedAccessState, typeof thresholds> = {
  definition: {
    id: 'unauthenticated_access',
    title: 'Endpoint answers unauthenticated requests',
    owasp: 'API2:2023',
    severity: 'high',
    fix: 'Attach an authorizer (Cognito, Lambda or IAM) or require an API key on this method in API Gateway, and make the backend reject requests without a verified identity. If the endpoint is meant to be public, document it and make sure it returns no private data.',
    evidence: 'authenticated vs anonymous requests and callers, anonymous 2xx count and bytes, sample anonymous IPs and user agents',
    thresholds,
  },
  initialState: () => ({ endpoints: {} }),
  evaluate(win, state, t) {
    const out: Finding[] = [];
    for (const [key, evs] of win.byEndpoint) {
      const { domainName: domain, method } = evs[0].ev;
      const template = evs[0].template!;
      if (isLoginEndpoint(method, template)) continue;
      // Discovery's attributes are only looked up for endpoints with anonymous successes in this window.
      if (evs.some((r) => !r.authenticated && is2xx(r.status)) && isFileEndpoint(template, win.endpoints.endpointInfo(domain, method, template))) continue;
      const s = (state.endpoints[key] ??= { authRequests: 0, authCallers: [], unauthRequests: 0, unauthSuccess: 0, unauthSuccessHourly: [], unauthRejected: 0, unauthBytes: 0, sensitiveKinds: [], ips: [], userAgents: [], lastTs: 0 });
      let winSuccess = 0, lastTs = 0;
      s.lastTs = evs[evs.length - 1].ts;
      for (const r of evs) {
        if (r.masked) for (const k of maskedKinds(r.ev)) addSample(s.sensitiveKinds, k, 8);
        if (r.authenticated) {
          s.authRequests++;
          if (s.authCallers.length < 5) addSample(s.authCallers, shortHash(r.ev.principalId ?? r.ev.apiKeyId!), 5);
          continue;
        }
        const ev = r.ev;
        s.unauthRequests++;
        if (ev.status === 401 || ev.status === 403) s.unauthRejected++;
        if (!is2xx(ev.status)) continue;
        s.unauthSuccess++; s.unauthBytes += ev.responseLength; winSuccess++; lastTs = ev.ts;
        const h = ev.ts - (ev.ts % HOUR);
        const last = s.unauthSuccessHourly[s.unauthSuccessHourly.length - 1];
        if (last && last[0] === h) last[1]++; else s.unauthSuccessHourly.push([h, 1]);
        addSample(s.ips, ev.ip, 5);
        addSample(s.userAgents, truncate(ev.userAgent, 80), 3);
      }
      while (s.unauthSuccessHourly.length && s.unauthSuccessHourly[0][0] <= s.lastTs - 24 * HOUR) s.unauthSuccessHourly.shift();
      if (winSuccess === 0) continue;
      const day = s.unauthSuccessHourly.reduce((a, x) => a + x[1], 0);
      const mixed = day >= t.minUnauthSuccess && s.authCallers.length >= t.minAuthCallers && s.authRequests >= t.minAuthRequests;
      const sensitive = s.sensitiveKinds.length > 0 && day >= t.minUnauthSuccessSensitive;
      const bulk = day >= t.minUnauthSuccess && s.unauthBytes / s.unauthSuccess >= t.bulkAvgBytes;
      if (!mixed && !sensitive && !bulk) continue;
      out.push({
        type: this.definition.id, domain, method, template, count: winSuccess, ts: lastTs,
        severity: sensitive || bulk ? 'critical' : 'high',
        evidence: {
          reason: [mixed && 'other callers use this endpoint authenticated', sensitive && 'its URLs carry sensitive data', bulk && 'it returns bulk data'].filter(Boolean),
          authenticatedRequests: s.authRequests, authenticatedCallers: s.authCallers.length >= 5 ? '5+' : s.authCallers.length,
          anonymousRequests: s.unauthRequests, anonymous2xx: s.unauthSuccess, anonymous2xxLast24h: day, anonymousRejected401or403: s.unauthRejected,
          anonymousBytes: s.unauthBytes, sensitiveKinds: s.sensitiveKinds, sampleIps: s.ips, sampleUserAgents: s.userAgents,
        },
      });
    }
    if (pruneDue(win)) capRecord(state.endpoints, t.maxEndpoints, (s) => s.lastTs);
    return out;
  },
};
