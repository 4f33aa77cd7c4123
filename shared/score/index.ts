import { createHash } from 'node:crypto';
import { fingerprintRows } from './uaFingerprints.ts';
import type { AccessEvent } from '../normalize/types.ts';
import type { Analysis, AnalysisOutput, WindowContext } from '../engine/types.ts';
import type { ActorRow, Alert, RiskEventRow, Severity } from '../emit/rows.ts';
import { SEVERITY_ORDER } from '../emit/rows.ts';
import type { Detector, DetectorInput } from './detector.ts';
import { DETECTORS } from './detectors/index.ts';
import { scaleThresholds } from './scaleThresholds.ts';
import { combineFindings, propagateToOrigins, severityOf, type ActorVerdict } from './combine.ts';
import { createIpReputation, type IpReputation } from './ipReputation.ts';
import { boundedEwma, learnActorRate, log2Bucket } from './baselines.ts';
import { alphaFor, stepFor, windowsFor, windowsPerDay, windowsPerHour } from '../engine/windowScale.ts';
import {
  ACC_HALF_LIFE_MS, decayAcc, initialScoringState, newProfile, ringAdd, roundAcc, topAdd, topAddAll, RING_IDS, RING_IPS, RING_SMALL, RING_UAS, TOP_TEMPLATES, RECENT_FAIL_HALF_LIFE_MS, RING_FAIL_IPS,
  type EndpointBaseline, type Profile, type ScoringState,
} from './state.ts';
import type { Finding, ScoringOptions } from './types.ts';
import { buildWindow, newWindowCaches, splitActorKey, type WindowView } from './window.ts';
import { isAutomationClass, isScriptedClass } from './uaClass.ts';
import { isStateChanging } from './detectors/sequenceAnomaly.ts';
import { subnetOf } from './cidr.ts';
import { groupSeverity, linkedIdentities } from './linkedIdentities.ts';

export type { ScoringState } from './state.ts';
export type { ScoringOptions, Finding, DetectorDefinition, Scenario, IpLists } from './types.ts';
export { DETECTORS } from './detectors/index.ts';
export { classifyUserAgent } from './uaClass.ts';
export { createIpReputation, DEFAULT_IP_LISTS } from './ipReputation.ts';
export { CidrSet } from './cidr.ts';
export { parseIpLists } from './parseIpLists.ts';
export { fingerprintRows, uaFingerprint } from './uaFingerprints.ts';
export { IpListsError } from './errors.ts';

/** Endpoint baselines learn at alpha 0.05, a step never more than 25 % of the current value (per 5 minutes: windowScale.ts). */
const ALPHA = 0.05;
const MAX_PREV = 6;
const FLAG_HOLD_MS = 6 * 3600_000;
const SHORT_TTL_MS = 6 * 3600_000;
const MAX_NAMES = 50_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Caller risk scoring: detectors (data + one pure function each) over each window (1 to 60 minutes; thresholds
 * are written for 5 and scaled to the window's length, see windowScale.ts), combined into a
 * 0-100 score per actor with evidence, one alert per actor incident, learned baselines that flagged actors
 * never train.
 * @example
 * const scoring = createScoringAnalysis({ ipLists: { allow: ['198.51.100.7'] } });
 * const { outputs } = runInMemory(events, createDiscoveryAnalysis(), [scoring]);
 */
export function createScoringAnalysis(opts: ScoringOptions = {}): Analysis<ScoringState> {
  const flagThreshold = opts.flagThreshold ?? 50;
  const riskHalfLife = opts.riskHalfLifeMs ?? 3600_000;
  const cooldown = opts.incidentCooldownMs ?? 60 * 60_000;
  const maxProfiles = opts.maxProfiles ?? 50_000;
  const profileTtl = opts.profileTtlMs ?? 3 * 24 * 3600_000;
  const reputation: IpReputation = createIpReputation(opts.ipLists, opts.replaceDefaultIpLists);
  const allowPrincipals = new Set(opts.allowPrincipals ?? []);
  const allowKeys = new Set(opts.allowApiKeys ?? []);
  const detectors: Array<{ d: Detector<any>; t: Record<string, number>; scaled: Record<string, number>; scaledFor: number }> = [];
  for (const d of DETECTORS) {
    const over = opts.detectors?.[d.definition.id] ?? {};
    if (over.enabled === 0) continue;
    const t = { ...d.definition.thresholds, ...over };
    detectors.push({ d, t, scaled: t, scaledFor: -1 });
  }
  const defs = new Map(detectors.map(({ d }) => [d.definition.id, d.definition]));
  // What buildWindow keeps between windows (profile ring indexes, endpoint names, client classes): not state,
  // rebuilt when missing, so a persisted and reloaded state gives the same results.
  const caches = newWindowCaches();
  const rings = caches.rings;
  // How many profiles a state holds: listed once, then kept up to date where profiles are added (emit, observe)
  // and removed (evict); listing every key each window only to compare it with `maxProfiles` cost more than a
  // quiet window. Keyed by the profiles object, so a reloaded or replaced state is listed afresh.
  const profileCounts = new WeakMap<Record<string, Profile>, number>();
  const profileCount = (state: ScoringState): number => {
    let n = profileCounts.get(state.profiles);
    if (n === undefined) { n = Object.keys(state.profiles).length; profileCounts.set(state.profiles, n); }
    return n;
  };
  const addProfile = (state: ScoringState, key: string, p: Profile): Profile => {
    state.profiles[key] = p;
    const n = profileCounts.get(state.profiles);
    if (n !== undefined) profileCounts.set(state.profiles, n + 1);
    return p;
  };

  const allowed = (actor: string): boolean => {
    const { type, id } = splitActorKey(actor);
    if (type === 'ip') return reputation.isAllowed(id);
    if (type === 'principal') return allowPrincipals.has(id);
    if (type === 'api_key') return allowKeys.has(id);
    return false;
  };

  function closeWindow(events: readonly AccessEvent[], state: ScoringState, ctx: WindowContext): AnalysisOutput {
    const now = ctx.windowEnd;
    const view = buildWindow(events, ctx.endpoints, state.profiles, ctx.windowStart, ctx.windowEnd, caches, ctx.paths);
    const findings: Finding[] = [];
    const input: DetectorInput = { window: view, state, resolver: ctx.endpoints, reputation, findings };
    const windowMs = ctx.windowEnd - ctx.windowStart;
    for (const x of detectors) {
      // Thresholds for this window's length, worked out once per length (the engine's windows all have one).
      if (x.scaledFor !== windowMs) { x.scaled = scaleThresholds(x.d.definition, x.t, windowMs); x.scaledFor = windowMs; }
      for (const f of x.d.detect(input, x.scaled)) findings.push(f);
    }
    opts.onFindings?.(findings, ctx.windowStart);
    state.stats.findings += findings.length;
    state.stats.events += events.length;

    // Allow-listed actors (and, for IP findings, principals/keys on the allow list using that IP) are suppressed.
    const verdicts: ActorVerdict[] = [];
    for (const v of combineFindings(findings, defs)) {
      if (v.score < flagThreshold) continue;
      if (allowed(v.actor) || suppressedByContext(v, view)) { state.stats.suppressed++; continue; }
      verdicts.push(v);
    }
    for (const v of propagateToOrigins(verdicts, view, (k) => state.profiles[k]?.prs ?? [], (d) => defs.get(d)?.originPropagation === true)) {
      if (allowed(v.actor)) { state.stats.suppressed++; continue; }
      if (v.score >= flagThreshold) verdicts.push(v);
    }
    for (const v of verdicts) v.severity = severityOf(v.score);
    const out = emit(verdicts, view, state, ctx);
    out.riskEvents.push(...fingerprintRows(verdicts, view));
    observe(view, state, events, ctx);
    for (const v of verdicts) { const w = view.actors.get(v.actor); if (w) out.actors.push(actorRow(v.actor, state, w.last, ctx.windowEnd)); }
    learn(view, state, verdicts);
    state.windows++;
    state.lastWindowEnd = now;
    // Hourly (12 windows of 5 minutes, 60 of 1 minute): eviction, and the snapshot unless the option says otherwise.
    const hourly = windowsPerHour(now - ctx.windowStart);
    const snapshotEvery = opts.profileSnapshotEvery ?? hourly;
    if (state.windows % hourly === 0 || profileCount(state) > maxProfiles) evict(state, now);
    if (snapshotEvery > 0 && state.windows % snapshotEvery === 0) out.actors.push(...snapshot(state, view, now, 50));
    return out;
  }

  /** An IP finding is suppressed when every principal / API key behind it in the window is allow-listed. */
  function suppressedByContext(v: ActorVerdict, view: WindowView): boolean {
    const w = view.actors.get(v.actor);
    if (!w || w.type !== 'ip') return false;
    // A verified crawler: crawler user agent only, from the crawler's published ranges.
    if (reputation.labelOf(w.id) === 'crawler' && w.classes.size === 1 && w.classes.has('crawler')) return true;
    const ids = [...w.prs].map((p) => allowPrincipals.has(p)).concat([...w.keys].map((k) => allowKeys.has(k)));
    return ids.length > 0 && ids.every(Boolean);
  }

  function emit(verdicts: ActorVerdict[], view: WindowView, state: ScoringState, ctx: WindowContext): Required<Pick<AnalysisOutput, 'riskEvents' | 'actors' | 'alerts'>> {
    const riskEvents: RiskEventRow[] = [];
    const alerts: Alert[] = [];
    const actors: ActorRow[] = [];
    // An account and the address it alone worked from: one alert, and each names the other as related.
    const folded = linkedIdentities(verdicts, view);
    const alsoSeenAs = new Map<string, ActorVerdict[]>();
    const byActor = new Map(verdicts.map((v) => [v.actor, v]));
    for (const v of verdicts) {
      const owner = folded.get(v.actor);
      if (owner === undefined) continue;
      (alsoSeenAs.get(owner) ?? alsoSeenAs.set(owner, []).get(owner)!).push(v);
      if (!v.related.includes(owner)) v.related.push(owner);
      const o = byActor.get(owner)!;
      if (!o.related.includes(v.actor)) o.related.push(v.actor);
    }
    for (const v of verdicts) {
      const { type, id } = splitActorKey(v.actor);
      const evidence: Record<string, unknown> = {};
      for (const f of v.findings) evidence[f.detector] = f.evidence;
      if (type === 'ip') evidence.network = subnetOf(id);
      const row: RiskEventRow = {
        actor_type: type, actor: id, window_start: iso(ctx.windowStart), window_end: iso(ctx.windowEnd), score: v.score,
        severity: v.severity, scenario: v.scenario, detectors: v.detectors, domain_name: v.domain, evidence: JSON.stringify(evidence),
        related_actors: v.related, incident_id: '',
      };
      riskEvents.push(row);
      state.stats.riskEvents++;
      // Profile: risk, flagged (so it does not train baselines), scenario.
      const p = state.profiles[v.actor] ?? addProfile(state, v.actor, newProfile(type, ctx.windowStart));
      p.risk = Math.max(v.score, decayedRisk(p.risk, p.riskTs, ctx.windowEnd));
      p.riskTs = ctx.windowEnd;
      p.flagged = ctx.windowEnd + FLAG_HOLD_MS;
      p.scen = v.scenario;
      // Incident: one per actor until it has been quiet for the cooldown; one alert when it opens, one more at each severity it escalates to.
      let inc = state.incidents[v.actor];
      const fresh = !inc || ctx.windowStart - inc.last > cooldown;
      if (fresh) {
        inc = state.incidents[v.actor] = { id: incidentId(v.actor, ctx.windowStart), start: ctx.windowStart, last: ctx.windowEnd, score: v.score, severity: v.severity, scenario: v.scenario, windows: 0 };
      }
      // Triage of incidents is keyed by this id (the one in the incident's alert): each window's row carries it.
      row.incident_id = inc.id;
      // The severity this incident has alerted at (a state from before `alerted`: its severity, which its alerts had).
      const alertedAt = fresh ? undefined : ((inc.alerted ?? inc.severity) as Severity);
      inc.last = ctx.windowEnd; inc.windows++;
      if (v.score > inc.score) { inc.score = v.score; inc.severity = v.severity; inc.scenario = v.scenario; }
      const isFolded = folded.has(v.actor);
      const members = isFolded ? [] : alsoSeenAs.get(v.actor) ?? [];
      const severity = groupSeverity(v, members);
      // Each severity an incident reaches alerts once, under a key of its own (the engine drops those below its threshold).
      const escalated = alertedAt !== undefined && SEVERITY_ORDER[severity] > SEVERITY_ORDER[alertedAt];
      if (fresh || escalated) inc.alerted = severity;
      // The address of an account's incident is part of it: the account's alert names it (see linkedIdentities).
      if ((fresh || escalated) && isFolded) state.stats.alertsFolded = (state.stats.alertsFolded ?? 0) + 1;
      else if (fresh || escalated) {
        const seenAs = members.map((x) => ({ ...splitActorKey(x.actor), score: x.score }));
        state.stats.alerts++;
        alerts.push({
          dedupKey: escalated ? `risk:${inc.id}:${severity}` : `risk:${inc.id}`, kind: 'risk', severity, ts: ctx.windowEnd,
          ...(escalated ? { escalatedFrom: alertedAt } : {}),
          subject: `[apiscope] ${severity} ${v.scenario} by ${type} ${id}${seenAs.length === 1 ? ` (${seenAs[0].type} ${seenAs[0].id})` : ''} on ${v.domain}`,
          body: {
            actorType: type, actor: id, score: v.score, scenario: v.scenario, detectors: v.detectors, domain: v.domain, incidentStart: iso(inc.start),
            window: { start: iso(ctx.windowStart), end: iso(ctx.windowEnd) }, related: v.related.slice(0, 10), evidence,
            alsoSeenAs: seenAs.length ? seenAs.map((x) => ({ actorType: x.type, actor: x.id, score: x.score })) : undefined,
          },
        });
      }
    }
    // Close incidents that have been quiet for the cooldown (bounded map).
    for (const [k, inc] of Object.entries(state.incidents)) if (ctx.windowStart - inc.last > cooldown) delete state.incidents[k];
    return { riskEvents, alerts, actors };
  }

  function observe(view: WindowView, state: ScoringState, events: readonly AccessEvent[], ctx: WindowContext): void {
    const hour = new Date(ctx.windowStart).getUTCHours();
    // Thousands of endpoint uses share a handful of endpoints: look each up in the (large) name table once.
    const named = new Set<string>();
    for (const a of view.actors.values()) {
      let p = state.profiles[a.key];
      if (!p) p = addProfile(state, a.key, newProfile(a.type, a.first));
      decayAcc(p.acc, ctx.windowEnd, ACC_HALF_LIFE_MS);
      let scripted = 0, auto = 0;
      for (const [c, n] of a.classes) { if (isScriptedClass(c)) scripted += n; if (isAutomationClass(c)) auto += n; }
      const acc = p.acc;
      acc.n += a.n; acc.e4 += a.e4; acc.e404 += a.e404; acc.e401 += a.e401; acc.e403 += a.e403; acc.unauth += a.unauth; acc.unauthOk += a.unauthOk;
      acc.unauthBytes += a.unauthBytes; acc.scripted += scripted; acc.auto += auto; acc.unmatched += a.unmatched; acc.idReq += a.idReq; acc.idNew += a.idNew; acc.ipNew += a.newIps;
      p.n += a.n; p.ls = a.last; p.hours[hour] += a.n;
      if (a.n > 1) { acc.gN = (acc.gN ?? 0) + a.n - 1; acc.gS = (acc.gS ?? 0) + a.gapSum; acc.gQ = (acc.gQ ?? 0) + a.gapSq; }
      for (const u of a.tpls.values()) {
        if (a.type === 'principal' && u.distinctIds > 0 && isStateChanging(u.method)) { acc.wIdReq = (acc.wIdReq ?? 0) + u.n; acc.wIdNew = (acc.wIdNew ?? 0) + u.newIds; }
        if (named.has(u.id)) continue;
        named.add(u.id);
        if (state.names[u.id] === undefined) state.names[u.id] = u.key;
      }
      topAddAll(p.tpl, a.tpls.values(), TOP_TEMPLATES);
      if (a.type !== 'ip') rings.ips.addAll(p.ips, a.ips, RING_IPS);
      else for (const pr of a.prs) ringAdd(p.prs, pr, RING_SMALL);
      for (const ua of a.uas) ringAdd(p.uas, ua, RING_UAS);
      roundAcc(acc);
      for (const c of a.classes.keys()) ringAdd(p.ucls, c, RING_SMALL);
      // Only the most recent RING_IDS ids can survive in the ring anyway.
      if (a.seenIds.length) rings.ids.addAll(p.ids, a.seenIds, RING_IDS, a.seenIds.length - RING_IDS);
      if (a.lastTpl) p.last = a.lastTpl;
    }
    rings.ids.endWindow();
    rings.ips.endWindow();
    void events;
  }

  function learn(view: WindowView, state: ScoringState, verdicts: ActorVerdict[]): void {
    const now = view.end;
    const windowMs = view.end - view.start;
    const flagged = new Set<string>(verdicts.map((v) => v.actor));
    const isFlagged = (k: string) => flagged.has(k) || (state.profiles[k]?.flagged ?? 0) > view.start;
    // Endpoint baselines from unflagged actors only.
    const epN = new Map<string, { n: number; fail: number; e4: number; e404: number; bytes: number; idReq: number; idNew: number; prev: Map<string, number> }>();
    for (const a of view.actors.values()) {
      if (a.type !== 'ip' && a.type !== 'principal') continue;
      const clean = !isFlagged(a.key);
      if (a.type === 'ip') {
        if (clean) {
          // Per-actor rate (bounded) and the population histogram of per-IP windows.
          const p = state.profiles[a.key];
          if (p) { p.rate = learnActorRate(p.rate, p.rateN, a.n, windowMs); p.rateN++; }
          state.population.ipHist[log2Bucket(a.n, state.population.ipHist.length)] += 1;
        }
        if (!clean) continue;
        for (const u of a.tpls.values()) {
          let s = epN.get(u.key);
          if (!s) { s = { n: 0, fail: 0, e4: 0, e404: 0, bytes: 0, idReq: 0, idNew: 0, prev: new Map() }; epN.set(u.key, s); }
          s.n += u.n; s.fail += view.endpoints.get(u.key)?.failIps.get(a.id) ?? 0; s.e4 += u.e4; s.e404 += u.e404; s.bytes += u.bytes;
        }
      } else if (clean) {
        const p = state.profiles[a.key];
        if (p) { p.rate = learnActorRate(p.rate, p.rateN, a.n, windowMs); p.rateN++; }
        for (const u of a.tpls.values()) {
          let s = epN.get(u.key);
          if (!s) { s = { n: 0, fail: 0, e4: 0, e404: 0, bytes: 0, idReq: 0, idNew: 0, prev: new Map() }; epN.set(u.key, s); }
          if (u.distinctIds) { s.idReq += u.n; s.idNew += u.newIds; }
          const prev = s.prev;
          u.prevs.forEach((c, k) => prev.set(k, (prev.get(k) ?? 0) + c));
        }
      }
    }
    const perDay = windowsPerDay(windowMs);
    const decay = Math.pow(0.5, 1 / (perDay * 2)); // 2-day half-life for totals
    // The per-window weights and caps, for this window's length (the same per unit of time).
    const alpha = alphaFor(ALPHA, windowMs), up = stepFor(0.25, windowMs), quietDown = stepFor(0.05, windowMs), failUp = stepFor(0.01, windowMs);
    const maxQuiet = windowsFor(24, windowMs);
    for (const [k, s] of epN) {
      let b: EndpointBaseline | undefined = state.endpoints[k];
      if (!b) { b = { w: 0, n: s.n, fail: s.fail, tot: 0, e4: 0, e404: 0, bytes: 0, idReq: 0, idNew: 0, prev: {}, ls: now }; state.endpoints[k] = b; }
      const gapWindows = Math.max(0, Math.round((now - b.ls) / windowMs) - 1);
      // Quiet windows count as zero traffic (bounded decrease, for two hours at most), so per-window rates stay per-window.
      for (let i = 0; i < Math.min(gapWindows, maxQuiet); i++) { b.n = boundedEwma(b.n, 0, alpha, quietDown); b.fail = boundedEwma(b.fail, 0, alpha, quietDown); }
      b.n = boundedEwma(b.n, s.n, alpha, up);
      // Failures may rise by at most 1 % of the baseline (or 0.01) per 5 minutes: a slow-onset stuffing run that is not
      // flagged yet cannot teach the endpoint that failing logins are normal.
      b.fail = boundedEwma(b.fail, s.fail, alpha, failUp, 1, up);
      b.w++;
      b.tot = b.tot * decay + s.n; b.e4 = b.e4 * decay + s.e4; b.e404 = b.e404 * decay + s.e404; b.bytes = b.bytes * decay + s.bytes;
      b.idReq = b.idReq * decay + s.idReq; b.idNew = b.idNew * decay + s.idNew;
      for (const [pk, c] of s.prev) topAdd(b.prev, pk, c, MAX_PREV);
      b.ls = now;
    }
    for (const v of verdicts) {
      if (v.scenario !== 'low_and_slow_scraping' || !v.actor.startsWith('principal|')) continue;
      const tpl = v.findings.find((f) => f.detector === 'distributed_scraping')?.evidence.endpointId;
      if (typeof tpl !== 'string') continue;
      const c = state.clusters[tpl] ?? (state.clusters[tpl] = { members: [], last: now });
      ringAdd(c.members, v.actor, 200);
      c.last = now;
    }
    // Recent auth failures per endpoint (all callers): observation for slow credential stuffing.
    for (const ew of view.endpoints.values()) {
      const fails = ew.fail + ew.throttledIps.size;
      const b = state.endpoints[ew.key];
      if (!b || (!b.rf && fails === 0)) continue;
      const rf = b.rf ?? (b.rf = { n: 0, ts: now, ips: [] });
      rf.n = Math.round(rf.n * Math.pow(0.5, (now - rf.ts) / RECENT_FAIL_HALF_LIFE_MS) * 1000) / 1000 + ew.fail;
      rf.ts = now;
      for (const ip of ew.failIps.keys()) ringAdd(rf.ips, ip, RING_FAIL_IPS);
      if (rf.n < 0.5 && fails === 0) delete b.rf;
    }
    const hd = Math.pow(0.5, 1 / perDay);
    const hist = state.population.ipHist;
    for (let i = 0; i < hist.length; i++) hist[i] *= hd;
    // Domain UA mix and 4xx share, from unflagged actors' requests (approximated by the window minus flagged IPs).
    for (const [dom, d] of view.domains) {
      let flaggedN = 0, flaggedE4 = 0, flaggedRefused = 0;
      for (const v of verdicts) {
        const w = view.actors.get(v.actor);
        if (!w || w.type !== 'ip') continue;
        const share = (w.domains.get(dom) ?? 0) / w.n;
        flaggedN += share * w.n; flaggedE4 += share * w.e4; flaggedRefused += share * (w.e401 + w.e403);
      }
      const pd = state.population.domains[dom] ?? (state.population.domains[dom] = { cls: {}, n: 0, e4: 0, refused: 0 });
      pd.n = pd.n * hd + Math.max(0, d.n - flaggedN);
      pd.e4 = pd.e4 * hd + Math.max(0, d.e4 - flaggedE4);
      pd.refused = pd.refused * hd + Math.max(0, d.refused - flaggedRefused);
      for (const c of Object.keys(pd.cls)) pd.cls[c] *= hd;
      if (flaggedN === 0) for (const [c, n] of d.cls) pd.cls[c] = (pd.cls[c] ?? 0) + n;
    }
  }

  function evict(state: ScoringState, now: number): void {
    // One-off anonymous addresses (a handful of requests, no account, not flagged) go after a few hours; others after the TTL.
    for (const k of Object.keys(state.profiles)) {
      const p = state.profiles[k];
      const idle = now - p.ls;
      if (idle > profileTtl || (idle > SHORT_TTL_MS && p.n < 10 && p.t === 'ip' && p.prs.length === 0 && p.flagged < now)) { delete state.profiles[k]; state.stats.evicted++; }
    }
    for (const k of Object.keys(state.clusters)) if (now - state.clusters[k].last > 24 * 3600_000) delete state.clusters[k];
    // Names are only for display; a dictionary past its bound starts over (profiles keep their digests).
    if (Object.keys(state.names).length > MAX_NAMES) state.names = {};
    const left = Object.keys(state.profiles);
    if (left.length > maxProfiles) {
      left.sort((a, b) => state.profiles[a].ls - state.profiles[b].ls);
      for (const k of left.slice(0, left.length - maxProfiles)) { delete state.profiles[k]; state.stats.evicted++; }
    }
    profileCounts.set(state.profiles, Math.min(left.length, maxProfiles)); // listed anyway: the count starts over exact
    const eps = Object.keys(state.endpoints);
    for (const k of eps) if (now - state.endpoints[k].ls > 7 * profileTtl) delete state.endpoints[k];
  }

  function decayedRisk(risk: number, ts: number, now: number): number {
    return risk * Math.pow(0.5, Math.max(0, now - ts) / riskHalfLife);
  }

  function actorRow(key: string, state: ScoringState, last: number, snapshotAt: number): ActorRow {
    const p = state.profiles[key];
    const { type, id } = splitActorKey(key);
    const hours = p ? p.hours.map((n, h) => [h, n] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([h]) => h).sort((a, b) => a - b) : [];
    return {
      actor_type: type, actor: id, first_seen: iso(p?.fs ?? last), last_seen: iso(p?.ls ?? last), requests: p?.n ?? 0,
      risk_score: Math.round(p ? decayedRisk(p.risk, p.riskTs, snapshotAt) : 0),
      typical_templates: p ? Object.entries(p.tpl).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k]) => state.names[k] ?? k) : [],
      typical_hours: hours, ips: type === 'ip' ? [id] : (p?.ips.slice(-5) ?? []), user_agents: p?.uas.slice(-3) ?? [], snapshot_at: iso(snapshotAt),
    };
  }

  /** Periodic ActorRow snapshot of the busiest actors of the window (bounded). */
  function snapshot(state: ScoringState, view: WindowView, now: number, top: number): ActorRow[] {
    const busiest = [...view.actors.values()].filter((a) => a.type !== 'api_key').sort((a, b) => b.n - a.n).slice(0, top);
    return busiest.map((a) => actorRow(a.key, state, a.last, now));
  }

  return {
    name: 'scoring',
    initialState: initialScoringState,
    closeWindow,
    finish(state, ctx) {
      // Open incidents are written out as a final ActorRow per incident actor; risk events were already emitted per window.
      const actors: ActorRow[] = [];
      for (const k of Object.keys(state.incidents)) actors.push(actorRow(k, state, state.profiles[k]?.ls ?? ctx.windowEnd, ctx.windowEnd));
      state.incidents = {};
      return { actors, riskEvents: [], alerts: [] };
    },
  };
}

function incidentId(actor: string, start: number): string {
  return createHash('sha256').update(`${actor}@${start}`).digest('hex').slice(0, 16);
}

