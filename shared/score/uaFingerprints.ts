import { createHash } from 'node:crypto';
import type { RiskEventRow } from '../emit/rows.ts';
import type { ActorVerdict } from './combine.ts';
import type { WindowView } from './window.ts';

/** A client fingerprint becomes an actor of its own when at least this many flagged actors share it... */
export const FINGERPRINT_MIN_FLAGGED = 3;
/** ...and they are most of the fingerprint's users in the window (a popular browser build never qualifies). */
export const FINGERPRINT_MIN_FLAGGED_SHARE = 0.8;

/** Stable id of a user-agent string: what responders block or search for across IPs and accounts. */
export function uaFingerprint(ua: string): string {
  return 'ua-' + createHash('sha256').update(ua).digest('hex').slice(0, 16);
}

/**
 * The user-agent fingerprint as an actor: when flagged IPs and accounts of one scenario share a client
 * string that unflagged callers hardly use, that client is the attacker's tool, and one row names it with
 * its members. Pure; the rows carry no alert (the members' campaign alert already covers them).
 */
export function fingerprintRows(verdicts: readonly ActorVerdict[], view: WindowView): RiskEventRow[] {
  const users = new Map<string, number>();
  for (const a of view.actors.values()) if (a.uas.size <= 3) for (const ua of a.uas) users.set(ua, (users.get(ua) ?? 0) + 1);
  const groups = new Map<string, { ua: string; members: ActorVerdict[] }>();
  for (const v of verdicts) {
    const a = view.actors.get(v.actor);
    if (!a || a.uas.size > 3) continue;
    for (const ua of a.uas) {
      if (!ua) continue;
      const k = `${v.scenario}\t${v.domain}\t${ua}`;
      (groups.get(k) ?? groups.set(k, { ua, members: [] }).get(k)!).members.push(v);
    }
  }
  const rows: RiskEventRow[] = [];
  for (const [k, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const distinct = [...new Map(g.members.map((m) => [m.actor, m])).values()];
    const total = users.get(g.ua) ?? distinct.length;
    if (distinct.length < FINGERPRINT_MIN_FLAGGED || distinct.length / total < FINGERPRINT_MIN_FLAGGED_SHARE) continue;
    const top = distinct.reduce((a, b) => (b.score > a.score ? b : a));
    const [scenario, domain] = k.split('\t');
    rows.push({
      actor_type: 'ua_fingerprint',
      actor: uaFingerprint(g.ua),
      window_start: new Date(view.start).toISOString(),
      window_end: new Date(view.end).toISOString(),
      score: top.score,
      severity: top.severity,
      scenario,
      detectors: [...new Set(distinct.flatMap((m) => m.detectors))].sort(),
      domain_name: domain,
      evidence: JSON.stringify({ ua_fingerprint: { userAgent: g.ua.slice(0, 200), flaggedActors: distinct.length, actorsUsingIt: total, sample: distinct.slice(0, 10).map((m) => m.actor) } }),
      related_actors: distinct.map((m) => m.actor).sort().slice(0, 50),
    });
  }
  return rows;
}
