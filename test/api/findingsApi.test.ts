import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { runReplay } from '../../cli/replay.ts';
import { openLake } from '../../local/lakeQuery.ts';
import { handleFindingsRequest, type Runner } from '../../shared/api/findingsApi.ts';
import { BAD_REQUESTS } from './badRequests.ts';

describe('findings API (its SQL run on DuckDB over a replayed lake)', () => {
  let dir: string;
  let run: Runner;
  let close: () => void;
  const sqls: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-'));
    writeFileSync(join(dir, 'in.ndjson'), simulateTraffic({ seed: 4, hours: 3, rate: 30 }).lines.join('\n'));
    await runReplay({ input: join(dir, 'in.ndjson'), out: join(dir, 'lake'), shards: 1, quiet: true });
    const lake = await openLake(join(dir, 'lake'));
    close = lake.close;
    run = async (sql) => { sqls.push(sql); return (await lake.con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]; };
  });
  afterAll(() => { close?.(); rmSync(dir, { recursive: true, force: true }); });

  const call = async (resource: string, query: Record<string, string> = {}, pathParameters: Record<string, string> = {}) => {
    const r = await handleFindingsRequest({ resource, query, pathParameters }, run, '2026-11-23');
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
    const one = await call(`/defects/{defectId}`, {}, { defectId: high.body.items[0].defect_id });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(high.body.items[0]);
    const risk = await call('/risk-events', { minScore: '60' });
    expect(risk.body.items.length).toBeGreaterThan(0);
    expect(risk.body.items.every((r: any) => Number(r.score) >= 60)).toBe(true);
    const actor = risk.body.items[0];
    const prof = await call('/actors/{actorType}/{actor}', {}, { actorType: actor.actor_type, actor: encodeURIComponent(actor.actor) });
    expect(prof.status).toBe(200);
    expect(prof.body.recent_risk_events.length).toBeGreaterThan(0);
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
