import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScoringAnalysis, type ScoringOptions, type ScoringState } from '../../shared/score/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import type { DiscoveryAnalysis } from '../../shared/engine/types.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { templateResolver, toEvents, type CompactEvent, type TemplateDef } from './golden/fixtures.ts';

const G = new URL('./golden/', import.meta.url).pathname;
function load(c: string): { events: AccessEvent[]; discovery: DiscoveryAnalysis<null> } {
  const lines = readFileSync(`${G}${c}/input.ndjson`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CompactEvent);
  const resolver = templateResolver(JSON.parse(readFileSync(`${G}${c}/templates.json`, 'utf8')) as TemplateDef[]);
  return { events: toEvents(lines), discovery: { name: 'discovery', initialState: () => null, closeWindow: () => ({}), resolver: () => resolver } };
}
function run(c: string, opts: ScoringOptions = {}, mutate?: (e: AccessEvent[]) => AccessEvent[]) {
  const { events, discovery } = load(c);
  const res = runInMemory(mutate ? mutate(events) : events, discovery, [createScoringAnalysis(opts)]);
  const out = res.outputs.scoring;
  return {
    rows: out.flatMap((o) => o.riskEvents ?? []), alerts: out.flatMap((o) => o.alerts ?? []), actors: out.flatMap((o) => o.actors ?? []),
    state: res.states.scoring as ScoringState,
  };
}

describe('scoring analysis', () => {
  it('raises one alert per incident, with a dedupKey stable across replays', () => {
    const a = run('enumeration/attack_bola_walk');
    const b = run('enumeration/attack_bola_walk');
    const actors = new Set(a.rows.map((r) => `${r.actor_type}|${r.actor}`));
    expect(actors).toEqual(new Set(['principal|user-prober', 'ip|2a01:4f8:10a:1::77']));
    expect(a.rows.length).toBeGreaterThan(actors.size); // flagged in several windows...
    // ...but one alert: the account's, naming the address it worked from (which carried no other account).
    expect(a.alerts.length).toBe(1);
    expect(a.alerts[0].body).toMatchObject({ actorType: 'principal', actor: 'user-prober', alsoSeenAs: [{ actorType: 'ip', actor: '2a01:4f8:10a:1::77' }] });
    expect(a.alerts[0].subject).toContain('(ip 2a01:4f8:10a:1::77)');
    expect(a.state.stats.alertsFolded).toBe(1);
    // Both keep their risk rows, linked to each other.
    expect(a.rows.find((r) => r.actor_type === 'ip')!.related_actors).toContain('principal|user-prober');
    expect(a.rows.find((r) => r.actor_type === 'principal')!.related_actors).toContain('ip|2a01:4f8:10a:1::77');
    expect(a.alerts.map((x) => x.dedupKey)).toEqual(b.alerts.map((x) => x.dedupKey));
    const row = a.rows.find((r) => r.actor_type === 'principal')!;
    expect(row.scenario).toBe('bola_enumeration');
    expect([row.score, row.severity]).toEqual([90, 'critical']); // enumeration alone: weight 90, full confidence (a sequential walk)
    const ev = JSON.parse(row.evidence);
    // The evidence counts the ids the walk requested in that window, and says the endpoint had no baseline yet.
    const [ws, we] = [Date.parse(row.window_start), Date.parse(row.window_end)];
    const walked = new Set(load('enumeration/attack_bola_walk').events.filter((e) => e.principalId === 'user-prober' && e.ts >= ws && e.ts < we).map((e) => e.path));
    expect(ev.enumeration.distinctIds).toBe(walked.size);
    expect(ev.enumeration.baseline).toEqual({ endpoint4xxShare: 'not learned yet' });
  });

  it('keeps a separate alert for an address that also carried another account', () => {
    // A second account works from the prober's address, inside the walk's windows: the address is shared.
    const shared = (es: AccessEvent[]) => {
      const walk = es.filter((e) => e.principalId === 'user-prober');
      const other = walk.filter((_, i) => i % 10 === 0).map((e) => ({ ...e, requestId: e.requestId + '-o', ts: e.ts + 1, principalId: 'user-colleague', path: '/v1/me', status: 200 }));
      return [...es, ...other].sort((x, y) => x.ts - y.ts);
    };
    const r = run('enumeration/attack_bola_walk', {}, shared);
    const flaggedIp = r.rows.some((x) => x.actor_type === 'ip' && x.actor === '2a01:4f8:10a:1::77');
    expect(flaggedIp).toBe(true);
    expect(r.alerts.map((x) => `${x.body.actorType}|${x.body.actor}`).sort()).toEqual(['ip|2a01:4f8:10a:1::77', 'principal|user-prober']);
    expect(r.alerts.every((x) => x.body.alsoSeenAs === undefined)).toBe(true);
  });

  it('opens a new incident (new dedupKey) only after the cooldown', () => {
    // The same walk replayed three hours later is a second incident.
    const later = (es: AccessEvent[]) => {
      const walk = es.filter((e) => e.principalId === 'user-prober');
      return [...es, ...walk.map((e) => ({ ...e, requestId: e.requestId + '-b', ts: e.ts + 3 * 3600_000, path: e.path.replace(/\/(\d+)\//, (_m, d) => `/${Number(d) + 5000}/`) }))];
    };
    const r = run('enumeration/attack_bola_walk', {}, later);
    const principalAlerts = r.alerts.filter((a) => a.body.actor === 'user-prober');
    expect(principalAlerts.length).toBe(2);
    expect(new Set(principalAlerts.map((a) => a.dedupKey)).size).toBe(2);
  });

  it('suppresses allow-listed principals and addresses', () => {
    const r = run('enumeration/attack_bola_walk', { allowPrincipals: ['user-prober'], ipLists: { allow: ['2a01:4f8:10a::/48'] } });
    expect(r.rows).toEqual([]);
    // Counted per verdict dropped: the account's flagged windows (the allow-listed address has no findings at all).
    expect(r.state.stats.suppressed).toBe(run('enumeration/attack_bola_walk').rows.filter((x) => x.actor_type === 'principal').length);
  });

  it('flagged actors do not train the baselines', () => {
    const key = 'api.example.test GET /v1/reports';
    const withDetector = run('volume_spike/attack_single_ip_flood');
    const without = run('volume_spike/attack_single_ip_flood', { detectors: { volume_spike: { enabled: 0 } } });
    expect(withDetector.rows.some((r) => r.actor === '148.251.30.180')).toBe(true);
    expect(without.rows.some((r) => r.actor === '148.251.30.180')).toBe(false);
    expect(withDetector.state.endpoints[key].tot).toBeLessThan(without.state.endpoints[key].tot / 2);
  });

  it('keeps state JSON-serialisable and gives the same result when persisted between windows', () => {
    const { events, discovery } = load('credential_stuffing_burst/attack_rotating_ips');
    const direct = runInMemory(events, discovery, [createScoringAnalysis()]).outputs.scoring.flatMap((o) => o.riskEvents ?? []);
    // Same run, but the state goes through JSON after every window (as the engine persists it).
    const inner = createScoringAnalysis();
    let persisted: ScoringState = inner.initialState();
    const persisting = {
      ...inner,
      initialState: () => persisted,
      closeWindow(ev: readonly AccessEvent[], _s: ScoringState, ctx: Parameters<typeof inner.closeWindow>[2]) {
        const st = JSON.parse(JSON.stringify(persisted)) as ScoringState;
        const out = inner.closeWindow(ev, st, ctx);
        persisted = st;
        return out;
      },
    };
    const viaJson = runInMemory(events, discovery, [persisting]).outputs.scoring.flatMap((o) => o.riskEvents ?? []);
    expect(viaJson).toEqual(direct);
  });

  it('keeps the number of remembered actors bounded', () => {
    const r = run('volume_spike/benign_mobile_app_burst', { maxProfiles: 100 });
    expect(Object.keys(r.state.profiles).length).toBeLessThanOrEqual(100);
    const r2 = run('volume_spike/benign_mobile_app_burst', { maxProfiles: 100, profileTtlMs: 600_000 });
    expect(Object.keys(r2.state.profiles).length).toBeLessThan(Object.keys(run('volume_spike/benign_mobile_app_burst').state.profiles).length);
  });

  it('writes actor profiles (ActorRow) for flagged actors and the busiest callers', () => {
    const r = run('enumeration/attack_bola_walk');
    // The first profile row is written when the account is first flagged: what it did up to that window's end.
    const p = r.actors.find((a) => a.actor === 'user-prober')!;
    const flagged = r.rows.find((x) => x.actor === 'user-prober')!;
    const upTo = Date.parse(flagged.window_end);
    expect(p.snapshot_at).toBe(flagged.window_end);
    expect(p.requests).toBe(load('enumeration/attack_bola_walk').events.filter((e) => e.principalId === 'user-prober' && e.ts < upTo).length);
    expect(p.typical_templates[0]).toBe('api.example.test GET /v1/projects/{project_id}/columns');
    expect(p.risk_score).toBe(flagged.score);
  });
});
