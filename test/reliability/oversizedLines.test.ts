import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic, type SimAttack } from '../../local/simulator.ts';
import { runReplay } from '../../cli/replay.ts';
import { queryLake } from '../../local/lakeQuery.ts';

/** A seeded ~17 KB padding, different for every request, as an attacker hiding from a size limit would send. */
function padding(i: number): string {
  let x = (i + 1) * 2654435761 >>> 0, s = '';
  while (s.length < 17_000) { x = Math.imul(x ^ (x >>> 15), 2246822507) >>> 0; s += x.toString(36); }
  return s;
}

const stuffers = async (lake: string) =>
  (await queryLake(lake, `SELECT DISTINCT actor FROM risk_events WHERE scenario = 'credential_stuffing' AND actor_type = 'ip' ORDER BY actor`)).rows.map((r) => String(r.actor));

describe('oversized lines (an attacker padding the user agent)', () => {
  let dir: string;
  let lines: string[];
  let attack: SimAttack;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oversized-'));
    const sim = simulateTraffic({ seed: 3, hours: 3, rate: 40 });
    lines = sim.lines;
    attack = sim.attacks.find((a) => a.scenario === 'credential_stuffing')!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a credential-stuffing attack with ~17 KB user agents is still detected, with the same callers, and the cut is counted', async () => {
    let padded = 0;
    const big = lines.map((l) => {
      const o = JSON.parse(l) as Record<string, string>;
      if (o.userAgent !== 'python-requests/2.32.3') return l;
      return JSON.stringify({ ...o, userAgent: `python-requests/2.32.3 ${padding(padded++)}` });
    });
    expect(padded).toBe(1200);
    expect(Math.min(...big.filter((l) => l.includes('python-requests')).map((l) => l.length))).toBeGreaterThan(17_000);
    writeFileSync(join(dir, 'plain.ndjson'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'padded.ndjson'), big.join('\n') + '\n');
    await runReplay({ input: join(dir, 'plain.ndjson'), out: join(dir, 'plain'), shards: 1, quiet: true });
    const { metrics } = await runReplay({ input: join(dir, 'padded.ndjson'), out: join(dir, 'padded'), shards: 1, quiet: true });

    const plain = await stuffers(join(dir, 'plain'));
    const got = await stuffers(join(dir, 'padded'));
    expect(plain.length).toBeGreaterThan(20);
    expect(got).toEqual(plain);
    // What is found is the attack's rotating addresses (and, in both runs alike, one customer who logged in during it).
    expect(new Set(got.filter((ip) => attack.actors.includes(ip))).size).toBeGreaterThanOrEqual(30);
    expect(metrics['FieldsTruncated.userAgent']).toBe(1200);
    expect(Object.keys(metrics).filter((k) => k.startsWith('RecordsRejected.'))).toEqual([]);
  }, 120_000);
});
