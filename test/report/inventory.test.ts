import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../../cli/replay.ts';
import { buildReport } from '../../local/buildReport.ts';
import { summarizeLake } from '../../local/summary.ts';
import { accessLine } from '../support/records.ts';

const DAY = Date.UTC(2026, 10, 23);
const HOUR = 3_600_000;

describe('the inventory as of a report day', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inventory-'));
    let n = 0;
    const at = (ts: number, path: string) => JSON.stringify(accessLine({ requestId: `i-${n++}`, requestTimeEpoch: String(ts), path, resourcePath: path }));
    // Traffic until 22:10 on the 23rd, then nothing until 03:00 on the 24th: no window closes at midnight.
    const lines = [
      ...Array.from({ length: 10 }, (_, i) => at(DAY + 22 * HOUR + i * 60_000, '/v1/accounts')),
      ...Array.from({ length: 4 }, (_, i) => at(DAY + 27 * HOUR + i * 60_000, '/v1/cards')),
    ];
    writeFileSync(join(dir, 'in.ndjson'), lines.join('\n') + '\n');
    await runReplay({ input: join(dir, 'in.ndjson'), out: join(dir, 'lake'), shards: 1, quiet: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the endpoints that existed at the end of that day, also after a quiet midnight', async () => {
    const d1 = await buildReport(join(dir, 'lake'), '2026-11-23');
    expect(Number(d1.data.summary[0].endpoints)).toBe(1);
    expect(d1.data.newEndpoints.map((r) => [r.template, Number(r.requests)])).toEqual([['/v1/accounts', 10]]);
    const d2 = await buildReport(join(dir, 'lake'), '2026-11-24');
    expect(Number(d2.data.summary[0].endpoints)).toBe(2);
    expect(d2.data.newEndpoints.map((r) => [r.template, Number(r.requests)])).toEqual([['/v1/cards', 4]]);
    expect(await summarizeLake(join(dir, 'lake'))).toMatch(/^Endpoints discovered: 2 across 1 API domain\(s\)\n {2}GET {4}api\.bank\.example\/v1\/accounts {2}\(10 req\)\n {2}GET {4}api\.bank\.example\/v1\/cards {2}\(4 req\)\nOpen defects/);
  });
});
