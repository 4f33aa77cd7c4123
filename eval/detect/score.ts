/**
 * Detection scoring with the definitions of /work/shared/eval/score.mjs (reproduced here so the corpus
 * scores without it): a flag matches a label when its identity is among the label's actors and its time
 * overlaps the label window (10 min tolerance); precision leaves out flags on neutral labels (authorised
 * scanners); an identity that is also an attack actor is not a benign false positive. Added: whether each
 * attack instance reached an alert as sent at the default threshold.
 */
import type { Alert, RiskEventRow } from '../../shared/emit/rows.ts';
import { SEVERITY_ORDER } from '../../shared/emit/rows.ts';
import type { Label } from './gen.ts';

export const TOLERANCE_MS = 10 * 60_000;
const NEUTRAL = new Set(['authorized_scanner']);

export interface Flag { ip?: string; principalId?: string; start: string; end: string; scenario: string; score: number; detectors: string[] }

/** One flag per actor incident: risk events of the same actor merged while gaps stay under an hour. */
export function toFlags(rows: readonly RiskEventRow[]): Flag[] {
  const byActor = new Map<string, RiskEventRow[]>();
  for (const r of rows) {
    if (r.actor_type !== 'ip' && r.actor_type !== 'principal') continue;
    const k = `${r.actor_type}|${r.actor}`;
    const l = byActor.get(k); if (l) l.push(r); else byActor.set(k, [r]);
  }
  const flags: Flag[] = [];
  for (const [k, rs] of byActor) {
    rs.sort((a, b) => a.window_start.localeCompare(b.window_start));
    const type = k.slice(0, k.indexOf('|')), id = k.slice(k.indexOf('|') + 1);
    let cur: Flag | null = null, curEnd = 0;
    for (const r of rs) {
      const s = Date.parse(r.window_start), e = Date.parse(r.window_end);
      if (cur && s - curEnd <= 3600_000) {
        cur.end = r.window_end; curEnd = e;
        if (r.score > cur.score) { cur.score = r.score; cur.scenario = r.scenario; }
        for (const d of r.detectors) if (!cur.detectors.includes(d)) cur.detectors.push(d);
        continue;
      }
      cur = { ...(type === 'ip' ? { ip: id } : { principalId: id }), start: r.window_start, end: r.window_end, scenario: r.scenario, score: r.score, detectors: [...r.detectors] };
      curEnd = e;
      flags.push(cur);
    }
  }
  return flags;
}

/** An alert as the on-call person gets it: its severity, time and every actor it names. */
export interface SentAlert { severity: keyof typeof SEVERITY_ORDER; ts: number; scenario: string; actors: string[] }

/** Alerts from a replay's `alerts.jsonl` (what the engine sent, campaigns included). */
export function sentAlertsFromJsonl(text: string): SentAlert[] {
  const out: SentAlert[] = [];
  for (const l of text.split('\n')) {
    if (!l) continue;
    const m = (JSON.parse(l) as { message: Record<string, unknown> }).message;
    if (m.kind !== 'risk') continue;
    out.push({ severity: m.severity as SentAlert['severity'], ts: Date.parse(String(m.time)), scenario: String(m.scenario ?? ''), actors: namedActors(m) });
  }
  return out;
}

function namedActors(body: Record<string, unknown>): string[] {
  const xs: string[] = [];
  if (body.actor) xs.push(`${body.actorType}|${body.actor}`);
  for (const a of (body.alsoSeenAs as Array<{ actorType: string; actor: string }> | undefined) ?? []) xs.push(`${a.actorType}|${a.actor}`);
  for (const a of (body.actors as Array<{ actorType: string; actor: string }> | undefined) ?? []) xs.push(`${a.actorType}|${a.actor}`);
  return xs;
}

/**
 * Alerts the scoring analysis raised, as the engine would send them at `minSeverity`: a window's alerts of one
 * scenario on one API from 3 or more actors are one campaign alert at the highest member severity
 * (shared/emit/groupCampaigns.ts), every member named.
 */
export function sentAlertsInMemory(alerts: readonly Alert[], minSeverity: SentAlert['severity'] = 'high'): SentAlert[] {
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    if (a.kind !== 'risk') continue;
    const k = `${a.body.scenario}|${a.body.domain}|${a.ts}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(a);
  }
  const out: SentAlert[] = [];
  for (const g of groups.values()) {
    const parts = g.length >= 3 ? [g] : g.map((a) => [a]);
    for (const p of parts) {
      const sev = p.reduce((s, a) => (SEVERITY_ORDER[a.severity] > SEVERITY_ORDER[s] ? a.severity : s), p[0].severity);
      if (SEVERITY_ORDER[sev] < SEVERITY_ORDER[minSeverity]) continue;
      out.push({ severity: sev, ts: p[0].ts, scenario: String(p[0].body.scenario), actors: p.flatMap((a) => namedActors(a.body)) });
    }
  }
  return out;
}

export interface ScenarioScore { labels: number; detected: number; alerted: number; actors: number; actorsFlagged: number; recall: number; actorRecall: number; missed: string[]; notAlerted: string[] }
export interface DetectionScore {
  flags: number; flagsMatchingAttack: number; flagsOnBenign: number; flagsOnNothing: number; flagsNeutral: number; precision: number;
  attackLabels: number; attackLabelsDetected: number; attackLabelsAlerted: number;
  perScenario: Record<string, ScenarioScore>;
  benign: Record<string, { labels: number; actors: number; actorsFlagged: number; flagged: string[] }>;
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

export function scoreDetection(labels: readonly Label[], flags: readonly Flag[], alerts: readonly SentAlert[]): DetectionScore {
  const idx = labels.map((L) => ({ L, kind: NEUTRAL.has(L.scenario) ? 'neutral' : L.kind, ips: new Set(L.actors.ips), pids: new Set(L.actors.principals), s: L.startEpoch - TOLERANCE_MS, e: L.endEpoch + TOLERANCE_MS, hit: new Set<string>() }));
  let tp = 0, ben = 0, other = 0, neutral = 0;
  for (const f of flags) {
    const s = Date.parse(f.start), e = Date.parse(f.end);
    const ms = idx.filter((x) => ((f.ip && x.ips.has(f.ip)) || (f.principalId && x.pids.has(f.principalId))) && s <= x.e && e >= x.s);
    for (const x of ms) { if (f.ip && x.ips.has(f.ip)) x.hit.add('ip:' + f.ip); if (f.principalId && x.pids.has(f.principalId)) x.hit.add('principal:' + f.principalId); }
    if (ms.some((x) => x.kind === 'attack')) tp++; else if (ms.some((x) => x.kind === 'benign')) ben++; else if (ms.length) neutral++; else other++;
  }
  const attackIds = new Set<string>();
  for (const x of idx) if (x.kind === 'attack') { for (const i of x.ips) attackIds.add('ip:' + i); for (const p of x.pids) attackIds.add('principal:' + p); }
  const perScenario: Record<string, ScenarioScore> = {};
  const benign: DetectionScore['benign'] = {};
  let detected = 0, alertedN = 0, nAtt = 0;
  for (const x of idx) {
    if (x.kind === 'attack') {
      nAtt++;
      const s = (perScenario[x.L.scenario] ??= { labels: 0, detected: 0, alerted: 0, actors: 0, actorsFlagged: 0, recall: 0, actorRecall: 0, missed: [], notAlerted: [] });
      s.labels++; s.actors += x.ips.size + x.pids.size; s.actorsFlagged += x.hit.size;
      if (x.hit.size) { s.detected++; detected++; } else s.missed.push(x.L.id);
      const named = new Set([...x.ips].map((i) => `ip|${i}`).concat([...x.pids].map((p) => `principal|${p}`)));
      const alerted = alerts.some((a) => a.ts >= x.s && a.ts <= x.e + 5 * 60_000 && a.actors.some((k) => named.has(k)));
      if (alerted) { s.alerted++; alertedN++; } else if (x.hit.size) s.notAlerted.push(x.L.id);
    } else if (x.kind === 'benign') {
      const b = (benign[x.L.scenario] ??= { labels: 0, actors: 0, actorsFlagged: 0, flagged: [] });
      const own = [...x.hit].filter((h) => !attackIds.has(h));
      b.labels++; b.actors += x.ips.size + x.pids.size; b.actorsFlagged += own.length;
      if (own.length) b.flagged.push(`${x.L.id}: ${own.slice(0, 3).join(', ')}`);
    }
  }
  for (const s of Object.values(perScenario)) { s.recall = r4(s.detected / s.labels); s.actorRecall = r4(s.actors ? s.actorsFlagged / s.actors : 0); }
  return {
    flags: flags.length, flagsMatchingAttack: tp, flagsOnBenign: ben, flagsOnNothing: other, flagsNeutral: neutral,
    precision: r4(flags.length - neutral ? tp / (flags.length - neutral) : 0),
    attackLabels: nAtt, attackLabelsDetected: detected, attackLabelsAlerted: alertedN, perScenario, benign,
  };
}

/** Adds up per-seed scores: counts summed, ratios recomputed. */
export function mergeScores(xs: readonly DetectionScore[]): DetectionScore {
  const m: DetectionScore = { flags: 0, flagsMatchingAttack: 0, flagsOnBenign: 0, flagsOnNothing: 0, flagsNeutral: 0, precision: 0, attackLabels: 0, attackLabelsDetected: 0, attackLabelsAlerted: 0, perScenario: {}, benign: {} };
  for (const x of xs) {
    for (const k of ['flags', 'flagsMatchingAttack', 'flagsOnBenign', 'flagsOnNothing', 'flagsNeutral', 'attackLabels', 'attackLabelsDetected', 'attackLabelsAlerted'] as const) m[k] += x[k];
    for (const [k, s] of Object.entries(x.perScenario)) {
      const t = (m.perScenario[k] ??= { labels: 0, detected: 0, alerted: 0, actors: 0, actorsFlagged: 0, recall: 0, actorRecall: 0, missed: [], notAlerted: [] });
      t.labels += s.labels; t.detected += s.detected; t.alerted += s.alerted; t.actors += s.actors; t.actorsFlagged += s.actorsFlagged; t.missed.push(...s.missed); t.notAlerted.push(...s.notAlerted);
    }
    for (const [k, b] of Object.entries(x.benign)) {
      const t = (m.benign[k] ??= { labels: 0, actors: 0, actorsFlagged: 0, flagged: [] });
      t.labels += b.labels; t.actors += b.actors; t.actorsFlagged += b.actorsFlagged; t.flagged.push(...b.flagged);
    }
  }
  for (const s of Object.values(m.perScenario)) { s.recall = r4(s.detected / s.labels); s.actorRecall = r4(s.actors ? s.actorsFlagged / s.actors : 0); }
  m.precision = r4(m.flags - m.flagsNeutral ? m.flagsMatchingAttack / (m.flags - m.flagsNeutral) : 0);
  return m;
}

export function formatScore(s: DetectionScore): string {
  const out = [`flags ${s.flags}: precision ${s.precision} (attack ${s.flagsMatchingAttack}, benign look-alike ${s.flagsOnBenign}, unlabelled ${s.flagsOnNothing}, neutral ${s.flagsNeutral}); attack instances detected ${s.attackLabelsDetected}/${s.attackLabels}, alerted at the default threshold ${s.attackLabelsAlerted}/${s.attackLabels}`];
  out.push('| attack scenario | instances detected | alerted (high+) | actor recall |', '|---|---|---|---|');
  for (const [k, x] of Object.entries(s.perScenario).sort()) out.push(`| ${k} | ${x.detected}/${x.labels} | ${x.alerted}/${x.labels} | ${x.actorRecall} (${x.actorsFlagged}/${x.actors}) |${x.missed.length ? ' missed: ' + x.missed.join(' ') : ''}${x.notAlerted.length ? ' not alerted: ' + x.notAlerted.join(' ') : ''}`);
  out.push('| benign look-alike | instances | false-positive actors |', '|---|---|---|');
  for (const [k, b] of Object.entries(s.benign).sort()) out.push(`| ${k} | ${b.labels} | ${b.actorsFlagged}/${b.actors} |${b.flagged.length ? ' ' + b.flagged.slice(0, 4).join('; ') : ''}`);
  return out.join('\n');
}
