import { SEVERITY_ORDER, type Severity } from '../emit/rows.ts';
import type { ActorVerdict } from './combine.ts';
import { actorKey, type WindowView } from './window.ts';

/**
 * One incident seen through two identities: an account (principal, or API key when the address carried no
 * principal) flagged for a scenario, and the address it worked from, flagged for the same scenario on the
 * same API, when that address carried no other account in the window. Both keep their risk rows (each with
 * its own evidence, linked through `related_actors`); the on-call person gets one alert, the account's,
 * naming the address. An address shared by several accounts (a NAT, a proxy, a stuffing bot) is a story of
 * its own and keeps its alert.
 *
 * Returns folded actor key -> the actor key whose alert stands for it.
 */
export function linkedIdentities(verdicts: readonly ActorVerdict[], view: WindowView): Map<string, string> {
  const byActor = new Map(verdicts.map((v) => [v.actor, v]));
  const folded = new Map<string, string>();
  for (const v of verdicts) {
    const w = view.actors.get(v.actor);
    if (!w || w.type !== 'ip') continue;
    // The account: its only principal, else (no principal at all) its only API key.
    let owner: ActorVerdict | undefined;
    if (w.prs.size === 1) owner = byActor.get(actorKey('principal', [...w.prs][0]));
    else if (w.prs.size === 0 && w.keys.size === 1) owner = byActor.get(actorKey('api_key', [...w.keys][0]));
    if (owner && owner.scenario === v.scenario && owner.domain === v.domain) folded.set(v.actor, owner.actor);
  }
  return folded;
}

/**
 * The severity an account's alert carries for itself and the addresses folded into it: the highest of them, so
 * that folding never drops an alert below the alerting threshold that one of its members was above.
 */
export function groupSeverity(owner: ActorVerdict, members: readonly ActorVerdict[]): Severity {
  let s = owner.severity;
  for (const m of members) if (SEVERITY_ORDER[m.severity] > SEVERITY_ORDER[s]) s = m.severity;
  return s;
}
