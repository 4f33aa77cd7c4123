import type { Detector } from '../detector.ts';
import { r3 } from '../detector.ts';
import { RING_IPS, type Profile } from '../state.ts';
import type { Finding } from '../types.ts';
import { actorKey, type ActorWindow } from '../window.ts';

/** Cluster members flagged in earlier windows that a finding names (evidence stays small). */
const MAX_EARLIER_IN_EVIDENCE = 50;

interface Candidate { a: ActorWindow; tpl: string; name: string; ips: number; evidence: Record<string, unknown> }

/** Top endpoint (by digest) of profile + window. */
function topOf(tpl: Record<string, number>, extra: ActorWindow): { key: string; share: number; total: number } {
  const m = new Map<string, number>(Object.entries(tpl));
  for (const u of extra.tpls.values()) m.set(u.id, (m.get(u.id) ?? 0) + u.n);
  let key = '', best = 0, total = 0;
  for (const [k, v] of m) { total += v; if (v > best) { best = v; key = k; } }
  return { key, share: total ? best / total : 0, total };
}

export const distributedScraping: Detector<{
  minIpsPerPrincipal: number; minNewIpShare: number; minNewIdShare: number; minFocus: number; minCluster: number; maxOtherPrincipalsPerIp: number;
  clusterMemoryMs: number; clusterConfidence: number; loneConfidence: number; addressConfidence: number;
}> = {
  definition: {
    id: 'distributed_scraping',
    role: 'primary',
    description: 'Accounts that each hop across many IPs, each request a fresh id of the same endpoint, and that together form a cluster sweeping one id space while every IP stays below rate limits. Actors are tied by shared behaviour (endpoint, id sweep, IP rotation), not by IP; the IPs that served only those accounts are flagged with them.',
    scenario: 'low_and_slow_scraping',
    owasp: 'API6:2023 Unrestricted Access to Sensitive Business Flows',
    labels: { behaviour: 'http:scraping', mitre: 'T1119', confidence: 'medium' },
    weight: 85,
    thresholds: {
      minIpsPerPrincipal: 8, minNewIpShare: 0.5, minNewIdShare: 0.8, minFocus: 0.6, minCluster: 3, maxOtherPrincipalsPerIp: 2,
      clusterMemoryMs: 6 * 3600_000, clusterConfidence: 1, loneConfidence: 0.5, addressConfidence: 0.95,
    },
  },
  detect({ window, state }, t) {
    const out: Finding[] = [];
    const cands: Candidate[] = [];
    for (const a of window.actors.values()) {
      if (a.type !== 'principal' || a.idReq === 0) continue;
      const p: Profile | undefined = state.profiles[a.key];
      const ips = Math.min(RING_IPS, (p?.ips.length ?? 0) + a.newIps);
      if (ips < t.minIpsPerPrincipal) continue;
      const n = (p?.n ?? 0) + a.n;
      const ipNew = (p?.acc.ipNew ?? 0) + a.newIps, accN = (p?.acc.n ?? 0) + a.n;
      const idNew = (p?.acc.idNew ?? 0) + a.idNew, idReq = (p?.acc.idReq ?? 0) + a.idReq;
      const newIpShare = ipNew / Math.max(1, accN), newIdShare = idNew / Math.max(1, idReq);
      if (newIpShare < t.minNewIpShare || newIdShare < t.minNewIdShare) continue;
      const top = topOf(p?.tpl ?? {}, a);
      if (top.share < t.minFocus) continue;
      let name = state.names[top.key] ?? top.key;
      for (const u of a.tpls.values()) if (u.id === top.key) name = u.key;
      cands.push({
        a, tpl: top.key, name, ips,
        evidence: {
          endpoint: name, endpointId: top.key, focus: r3(top.share), distinctIps: ips, newIpShare: r3(newIpShare), newIdShare: r3(newIdShare),
          lifetimeRequests: n, accountAgeHours: r3((window.end - (p?.fs ?? a.first)) / 3600_000), status404: a.e404, samples: a.samples,
        },
      });
    }
    if (!cands.length) return out;
    const byTpl = new Map<string, Candidate[]>();
    for (const c of cands) { const l = byTpl.get(c.tpl); if (l) l.push(c); else byTpl.set(c.tpl, [c]); }
    const flaggedPrincipals = new Set<string>();
    for (const [tpl, group] of byTpl) {
      // Members flagged earlier for the same sweep still count towards the cluster.
      const earlier: string[] = [];
      const cl = state.clusters[tpl];
      if (cl && cl.last >= window.start - t.clusterMemoryMs) {
        const inGroup = new Set(group.map((c) => c.a.key));
        for (const k of cl.members) if (!inGroup.has(k)) earlier.push(k);
      }
      const size = group.length + earlier.length;
      earlier.splice(MAX_EARLIER_IN_EVIDENCE);
      const clustered = size >= t.minCluster;
      const related = [...group.map((c) => c.a.key), ...earlier].slice(0, 20);
      for (const c of group) {
        if (clustered) flaggedPrincipals.add(c.a.key);
        out.push({
          detector: 'distributed_scraping', scenario: 'low_and_slow_scraping', actor: c.a.key, domain: c.name.split(' ')[0],
          confidence: clustered ? t.clusterConfidence : t.loneConfidence,
          evidence: { ...c.evidence, cluster: { endpoint: c.name, accounts: size, activeThisWindow: group.length } },
          related: related.filter((k) => k !== c.a.key),
        });
      }
      for (const k of earlier) flaggedPrincipals.add(k);
    }
    if (!flaggedPrincipals.size) return out;
    // IPs that served only cluster accounts: active now, or in the ring of a newly clustered account.
    const ipCands = new Map<string, string>();
    const domainOf = new Map<string, string>();
    for (const c of cands) domainOf.set(c.a.key, c.name.split(' ')[0]);
    for (const k of flaggedPrincipals) {
      const dom = domainOf.get(k) ?? '';
      const w = window.actors.get(k);
      if (w) for (const ip of w.ips) ipCands.set(ip, dom);
      const p = state.profiles[k];
      if (p && p.scen !== 'low_and_slow_scraping') for (const ip of p.ips) if (!ipCands.has(ip)) ipCands.set(ip, dom);
    }
    for (const [ip, dom] of ipCands) {
      const ik = actorKey('ip', ip);
      const w = window.actors.get(ik), p = state.profiles[ik];
      const prs = new Set<string>([...(p?.prs ?? []), ...(w?.prs ?? [])]);
      let members = 0, others = 0;
      for (const pr of prs) { if (flaggedPrincipals.has(actorKey('principal', pr)) || state.profiles[actorKey('principal', pr)]?.scen === 'low_and_slow_scraping') members++; else others++; }
      if (!members || others > t.maxOtherPrincipalsPerIp || others >= members) continue;
      out.push({
        detector: 'distributed_scraping', scenario: 'low_and_slow_scraping', actor: ik, domain: dom,
        confidence: t.addressConfidence,
        evidence: { servedClusterAccounts: members, otherAccounts: others, requestsThisWindow: w?.n ?? 0, lifetimeRequests: (p?.n ?? 0) + (w?.n ?? 0) },
        related: [...prs].slice(0, 10).map((pr) => actorKey('principal', pr)),
      });
    }
    return out;
  },
};
