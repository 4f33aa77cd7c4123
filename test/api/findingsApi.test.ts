import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { runReplay } from '../../cli/replay.ts';
import { FileTriageStore } from '../../local/fileTriageStore.ts';
import { openLake } from '../../local/lakeQuery.ts';
import { handleFindingsRequest, type ApiDeps } from '../../shared/api/findingsApi.ts';
import { BAD_REQUESTS } from './badRequests.ts';

describe('findings API (its SQL run on DuckDB over a replayed lake)', () => {
  let dir: string;
  let deps: ApiDeps;
  let close: () => void;
  const sqls: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-'));
    writeFileSync(join(dir, 'in.ndjson'), simulateTraffic({ seed: 4, hours: 3, rate: 30 }).lines.join('\n'));
    await runReplay({ input: join(dir, 'in.ndjson'), out: join(dir, 'lake'), shards: 1, quiet: true });
    const lake = await openLake(join(dir, 'lake'));
    close = lake.close;
    deps = {
      run: async (sql) => { sqls.push(sql); return (await lake.con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]; },
      triage: new FileTriageStore(join(dir, 'lake')),
      today: '2026-11-23',
    };
  });
  afterAll(() => { close?.(); rmSync(dir, { recursive: true, force: true }); });

  const call = async (resource: string, query: Record<string, string> = {}, pathParameters: Record<string, string> = {}) => {
    const r = await handleFindingsRequest({ resource, query, pathParameters }, deps);
    return { status: r.statusCode, body: JSON.parse(r.body) };
  };

  it('lists endpoints, defects and risk events with filters, and pages without gaps or repeats', async () => {
    const all = await call('/endpoints', { limit: '500' });
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThan(5);
    const seen: string[] = [];
    let tok: string | undefined;
    do {
      const p = await call('/endpoints', { limit: '4', ...(tok ? { nextToken: tok } : {}) });
      seen.push(...p.body.items.map((e: any) => `${e.domain_name} ${e.method} ${e.template}`));
      tok = p.body.nextToken;
    } while (tok);
    expect(seen).toEqual(all.body.items.map((e: any) => `${e.domain_name} ${e.method} ${e.template}`));
    const high = await call('/defects', { severity: 'high' });
    expect(high.body.items.length).toBeGreaterThan(0);
    expect(high.body.items.every((d: any) => d.severity === 'high')).toBe(true);
    // Every answer carries its triage state; nothing triaged yet.
    expect(high.body.items[0].triage).toEqual({ status: 'open', owner: null, note: null, ticket: null, version: 0, updatedAt: null, updatedBy: null });
    const one = await call(`/defects/{defectId}`, {}, { defectId: high.body.items[0].defect_id });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ ...high.body.items[0], triage: { ...high.body.items[0].triage, history: [] } });
    const risk = await call('/risk-events', { minScore: '60' });
    expect(risk.body.items.length).toBeGreaterThan(0);
    expect(risk.body.items.every((r: any) => Number(r.score) >= 60)).toBe(true);
    const actor = risk.body.items[0];
    const prof = await call('/actors/{actorType}/{actor}', {}, { actorType: actor.actor_type, actor: encodeURIComponent(actor.actor) });
    expect(prof.status).toBe(200);
    expect(prof.body.recent_risk_events.length).toBeGreaterThan(0);
  });

  it('filters by several severities, template prefix, domain and time range, and prunes to the dt partitions', async () => {
    const all = (await call('/defects', { limit: '500' })).body.items;
    const severities = [...new Set(all.map((d: any) => d.severity))].slice(0, 2) as string[];
    const some = (await call('/defects', { severity: severities.join(','), limit: '500' })).body.items;
    expect(some.map((d: any) => d.defect_id).sort()).toEqual(all.filter((d: any) => severities.includes(d.severity)).map((d: any) => d.defect_id).sort());
    const prefix = all.find((d: any) => d.template.split('/').length > 2).template.split('/').slice(0, 3).join('/');
    const byPrefix = (await call('/defects', { templatePrefix: prefix, limit: '500' })).body.items;
    expect(byPrefix.length).toBeGreaterThan(0);
    expect(byPrefix.map((d: any) => d.defect_id).sort()).toEqual(all.filter((d: any) => d.template.startsWith(prefix)).map((d: any) => d.defect_id).sort());
    // A range after the traffic: nothing, and the SQL reads only those days' partitions.
    const n = sqls.length;
    expect((await call('/defects', { from: '2026-12-01T00:00:00Z', to: '2026-12-02' })).body.items).toEqual([]);
    expect(sqls[n]).toContain("dt >= '2026-12-01'");
    expect(sqls[n]).toContain("dt <= '2026-12-02'");
    const risk = (await call('/risk-events', { from: '2026-11-23T00:00:00Z', to: '2026-11-23T23:59:59Z', limit: '500' })).body.items;
    expect(risk.length).toBeGreaterThan(0);
    const scenario = risk[0].scenario;
    const byScenario = (await call('/risk-events', { from: '2026-11-23', scenario, limit: '500' })).body.items;
    expect(byScenario.map((r: any) => `${r.actor} ${r.window_start}`).sort()).toEqual(risk.filter((r: any) => r.scenario === scenario).map((r: any) => `${r.actor} ${r.window_start}`).sort());
    const byActor = (await call('/risk-events', { date: '2026-11-23', actor: risk[0].actor, limit: '500' })).body.items;
    expect(new Set(byActor.map((r: any) => r.actor))).toEqual(new Set([risk[0].actor]));
  });

  it('refuses a page token used with other filters, so a token cannot page another query', async () => {
    const first = await call('/endpoints', { limit: '2' });
    expect(first.body.nextToken).toEqual(expect.any(String));
    expect((await call('/endpoints', { limit: '2', nextToken: first.body.nextToken })).status).toBe(200);
    // limit may change between pages; filters may not.
    expect((await call('/endpoints', { limit: '3', nextToken: first.body.nextToken })).status).toBe(200);
    expect(await call('/endpoints', { limit: '2', specStatus: 'no_spec', nextToken: first.body.nextToken })).toEqual({
      status: 400, body: { message: 'nextToken: was issued for other filters; send the same filters as the first page, or start again without nextToken' },
    });
    expect((await call('/defects', { nextToken: first.body.nextToken })).status).toBe(400);
  });

  it('rejects bad input with 400 and a message naming the parameter, and never lets it into SQL', async () => {
    const n = sqls.length;
    for (const [resource, query, path, message] of BAD_REQUESTS) {
      expect(await call(resource, query, path), `${resource} ${JSON.stringify({ ...query, ...path })}`).toEqual({ status: 400, body: { message } });
    }
    expect(sqls.length).toBe(n);
    expect((await call('/actors/{actorType}/{actor}', {}, { actorType: 'ip', actor: "1.2.3.4' OR '1'='1" })).status).toBe(404);
  });
});
