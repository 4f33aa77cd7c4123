import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { runReplay } from '../../cli/replay.ts';
import { queryLake } from '../../local/lakeQuery.ts';
import { lakeFindings } from './lakeFindings.ts';

/** A line of the simulated traffic with its times moved to `ms`. */
function at(line: string, ms: number, id: string): string {
  const o = JSON.parse(line) as Record<string, string>;
  return JSON.stringify({ ...o, requestId: id, requestTimeEpoch: String(ms), requestTime: '01/Jan/2099:00:00:00 +0000' });
}

describe('far-future timestamps in a file replay', () => {
  let dir: string;
  let lines: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'future-'));
    lines = simulateTraffic({ seed: 3, hours: 3, rate: 40 }).lines;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two lines dated 2099 and 2100 change no finding and are quarantined as timestamp_out_of_range', async () => {
    const clean = join(dir, 'clean.ndjson');
    writeFileSync(clean, lines.join('\n') + '\n');
    // Early in the file, where a poisoned watermark would close every later window at once and resolve what is open.
    const poisoned = [...lines.slice(0, 1500), at(lines[1500], Date.UTC(2099, 5, 1), 'future-2099'), ...lines.slice(1500, 4000), at(lines[4000], Date.UTC(2100, 0, 1), 'future-2100'), ...lines.slice(4000)];
    const dirty = join(dir, 'dirty.ndjson');
    writeFileSync(dirty, poisoned.join('\n') + '\n');
    await runReplay({ input: clean, out: join(dir, 'clean'), shards: 2, quiet: true });
    const { metrics } = await runReplay({ input: dirty, out: join(dir, 'dirty'), shards: 2, quiet: true });

    const a = await lakeFindings(join(dir, 'clean'));
    const b = await lakeFindings(join(dir, 'dirty'));
    expect(a.risk_events.length).toBeGreaterThan(10);
    expect(a.defects.length).toBeGreaterThan(0);
    for (const table of Object.keys(a)) expect(b[table], table).toEqual(a[table]);
    expect(metrics['RecordsRejected.timestamp_out_of_range']).toBe(2);
    const q = await queryLake(join(dir, 'dirty'), 'SELECT reason, sample FROM quarantine ORDER BY sample');
    expect(q.rows.map((r) => r.reason)).toEqual(['timestamp_out_of_range', 'timestamp_out_of_range']);
    expect(q.rows.map((r) => String(r.sample).match(/future-\d{4}/)?.[0])).toEqual(['future-2099', 'future-2100']);
  }, 120_000);
});
