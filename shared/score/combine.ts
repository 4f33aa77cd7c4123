import type { Severity } from '../emit/rows.ts';
import type { Detector } from './detector.ts';
import { SEVERITY_BANDS, type Finding, type Scenario } from './types.ts';

export interface ActorVerdict {
  actor: string;
  score: number;
  severity: Severity;
  scenario: Scenario;
  detectors: string[];
  domain: string;
  findings: Finding[];
  related: string[];
}

export function severityOf(score: number): Severity {
  for (const [min, sev] of SEVERITY_BANDS) if (score >= min) return sev;
  return 'info';
}

/**
 * Noisy-OR of detector contributions (weight x confidence): independent evidence adds up, one strong
 * detector is enough, many weak ones saturate below 100. Amplifier detectors count only when a primary
 * detector fired on the same actor. The scenario is the one of the strongest primary contribution.
 * @example
 * combineFindings([{ detector: 'enumeration', confidence: 1, ... }], defs) // [{ score: 85, severity: 'high', ... }]
 */
export function combineFindings(findings: Finding[], defs: ReadonlyMap<string, Detector<any>['definition']>): ActorVerdict[] {
  const byActor = new Map<string, Finding[]>();
  for (const f of findings) { const l = byActor.get(f.actor); if (l) l.push(f); else byActor.set(f.actor, [f]); }
  const out: ActorVerdict[] = [];
  for (const [actor, fs] of byActor) {
    let primary: Finding | null = null, primaryC = 0;
    for (const f of fs) {
      const d = defs.get(f.detector);
      if (!d || d.role !== 'primary') continue;
      const c = d.weight * f.confidence;
      if (c > primaryC) { primary = f; primaryC = c; }
    }
    if (!primary) continue;
    // Strongest finding per detector, then noisy-OR across detectors.
    const best = new Map<string, Finding>();
    for (const f of fs) { const b = best.get(f.detector); if (!b || f.confidence > b.confidence) best.set(f.detector, f); }
    let miss = 1;
    for (const f of best.values()) miss *= 1 - (defs.get(f.detector)!.weight * f.confidence) / 100;
    const score = Math.round(100 * (1 - miss));
    const related = new Set<string>();
    for (const f of best.values()) for (const r of f.related ?? []) if (r !== actor) related.add(r);
    out.push({
      actor, score, severity: severityOf(score), scenario: primary.scenario, domain: primary.domain,
      detectors: [...best.keys()].sort(), findings: [...best.values()], related: [...related].slice(0, 20),
    });
  }
  return out;
}

/**
 * An account flagged in a window drags along the addresses that served only that account (no other
 * principal now or in their history): the same actor seen from the network side. Shared addresses
 * (office NAT, carrier NAT) never qualify.
 */
export function propagateToOrigins(
  verdicts: ActorVerdict[],
  window: { actors: ReadonlyMap<string, { type: string; n: number; ips: ReadonlySet<string>; prs: ReadonlySet<string> }> },
  historyPrincipals: (ipKey: string) => readonly string[],
  propagating: (detector: string) => boolean,
): ActorVerdict[] {
  const have = new Map(verdicts.map((v) => [v.actor, v]));
  const added: ActorVerdict[] = [];
  for (const v of verdicts) {
    const w = window.actors.get(v.actor);
    if (!w || w.type !== 'principal' || !v.findings.some((f) => propagating(f.detector))) continue;
    const principal = v.actor.slice(v.actor.indexOf('|') + 1);
    for (const ip of w.ips) {
      const ik = `ip|${ip}`;
      const iw = window.actors.get(ik);
      // The address must carry most of the account's traffic (not the victim's own phone next to the attacker).
      if (!iw || iw.prs.size !== 1 || !iw.prs.has(principal) || iw.n < 0.5 * w.n) continue;
      if (historyPrincipals(ik).some((p) => p !== principal)) continue;
      const origin: Finding = { detector: 'origin_of_flagged_account', scenario: v.scenario, actor: ik, domain: v.domain, confidence: 1, evidence: { onlyAccountServed: principal } };
      const existing = have.get(ik);
      if (existing) {
        // Already flagged on its own: the account's stronger verdict decides the scenario; evidence is merged.
        if (existing.score < v.score) {
          existing.score = Math.round(Math.max(existing.score, v.score * 0.95));
          existing.scenario = v.scenario;
          existing.detectors = [...new Set([...existing.detectors, ...v.detectors, 'origin_of_flagged_account'])].sort();
          existing.findings = [...existing.findings, ...v.findings.filter((f) => !existing.findings.some((x) => x.detector === f.detector)), origin];
          if (!existing.related.includes(v.actor)) existing.related.push(v.actor);
        }
        continue;
      }
      const nv: ActorVerdict = {
        ...v, actor: ik, score: Math.round(v.score * 0.95), related: [v.actor], detectors: [...v.detectors, 'origin_of_flagged_account'],
        findings: [...v.findings, origin],
      };
      have.set(ik, nv);
      added.push(nv);
    }
  }
  return added;
}
