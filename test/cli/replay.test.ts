import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { runReplay } from '../../cli/replay.ts';
import { queryLake } from '../../local/lakeQuery.ts';
import { formatRows } from '../../cli/formatRows.ts';

let dir: string;
let input: string;
let one: Promise<string> | null = null;
/** The single-shard replay, shared by the tests that compare against it. */
const replayOnce = () => (one ??= runReplay({ input, out: join(dir, 'one'), shards: 1, quiet: true }).then(() => join(dir, 'one')));

/** Every findings row of a lake, as sorted JSON lines, for exact comparison between runs. */
async function findings(lake: string) {
  const rows = async (sql: string) => (await queryLake(lake, sql)).rows.map((r) => JSON.stringify(r)).sort();
  return {
    endpoints: await rows('SELECT * EXCLUDE (dt) FROM endpoints'),
    defects: await rows('SELECT * EXCLUDE (dt) FROM defects'),
    risk: await rows('SELECT * EXCLUDE (dt) FROM risk_events'),
  };
}

describe('apiscope replay and query', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const { lines } = simulateTraffic({ seed: 3, hours: 3, rate: 40 });
    input = join(dir, 'access.ndjson.gz');
    writeFileSync(input, gzipSync(lines.join('\n') + '\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the findings lake in the S3 layout and answers SQL with the Athena table names', async () => {
    const out = await replayOnce();
    expect(readdirSync(join(out, 'endpoints'))[0]).toMatch(/^dt=\d{4}-\d{2}-\d{2}$/);
    for (const t of ['endpoints', 'defects', 'risk_events']) {
      const r = await queryLake(out, `SELECT count(*) AS n FROM ${t}`);
      expect(Number(r.rows[0].n), t).toBeGreaterThan(0);
    }
    const eps = await queryLake(out, `SELECT DISTINCT domain_name, method, template FROM endpoints WHERE domain_name LIKE '%execute-api%' ORDER BY template`);
    // The partner API sits behind {proxy+} with a stage prefix: its templates are inferred, not read.
    const tpls = eps.rows.map((r) => String(r.template));
    expect(tpls.some((t) => /^\/merchants\/\{[^}]+\}\/orders\/\{[^}]+\}$/.test(t)), tpls.join(' ')).toBe(true);
    expect(tpls.some((t) => /^\/orders\/\{[^}]+\}$/.test(t)), tpls.join(' ')).toBe(true);
    expect(tpls).toContain('/merchants/search');
    const risky = await queryLake(out, `SELECT actor FROM risk_events WHERE scenario = 'credential_stuffing'`);
    expect(risky.rows.length).toBeGreaterThan(10);
    const json = formatRows(['a'], [{ a: 1 }, { a: 'x' }], 'json');
    expect(json.split('\n').map((l) => JSON.parse(l))).toEqual([{ a: 1 }, { a: 'x' }]);
  });

  it('gives the same endpoints, defects and risk events for 1 and 4 shards', async () => {
    const a = await findings(await replayOnce());
    const out4 = join(dir, 'four');
    await runReplay({ input, out: out4, shards: 4, quiet: true });
    const b = await findings(out4);
    expect(b.endpoints).toEqual(a.endpoints);
    expect(b.defects).toEqual(a.defects);
    expect(b.risk).toEqual(a.risk);
  });

  it('rejects garbage lines by reason, keeps them in quarantine, and finds the same things', async () => {
    const lines = gunzipSync(readFileSync(input)).toString().trim().split('\n');
    const garbage = ['{"requestId": "trunc', 'GET /index.html HTTP/1.1 200', JSON.stringify({ requestId: 'x', path: 5 }), '{"requestId":"big","userAgent":"' + 'A'.repeat(300_000) + '"}', '[]'];
    const mixed = lines.flatMap((l, i) => (i % 100 === 50 ? [l, garbage[(i / 100) % garbage.length | 0]] : [l]));
    const dirty = join(dir, 'dirty.ndjson');
    writeFileSync(dirty, mixed.join('\n') + '\n');
    const out = join(dir, 'dirty');
    const { metrics } = await runReplay({ input: dirty, out, shards: 2, quiet: true });
    const rejected = Object.entries(metrics).filter(([k]) => k.startsWith('RecordsRejected.')).reduce((s, [, v]) => s + v, 0);
    expect(rejected).toBe(mixed.length - lines.length);
    const q = await queryLake(out, 'SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY reason');
    expect(q.rows.map((r) => r.reason)).toEqual(['field_too_large', 'missing_field', 'not_json', 'not_object', 'unknown_format']);
    const clean = await findings(await replayOnce());
    const got = await findings(out);
    expect(got.risk).toEqual(clean.risk);
    expect(got.defects).toEqual(clean.defects);
    expect(got.endpoints).toEqual(clean.endpoints);
  });
});
