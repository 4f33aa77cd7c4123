import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../../cli/replay.ts';
import { buildReport } from '../../local/buildReport.ts';
import { accessLine } from '../support/records.ts';

const DAY = Date.UTC(2026, 10, 23);
const HOUR = 3_600_000;

/**
 * Known hours: the report day's hour h has h + 1 requests (hour 0: 1 ... hour 23: 24), spread over two
 * endpoints; the evening before and the next morning have traffic of their own that must not leak in.
 */
function fixture(): string[] {
  const lines: string[] = [];
  let n = 0;
  const at = (ts: number, path: string) => lines.push(JSON.stringify(accessLine({ requestId: `t-${n++}`, requestTimeEpoch: String(ts), path, resourcePath: path })));
  for (let i = 0; i < 7; i++) at(DAY - HOUR + 60_000 + i * 300_000, '/v1/health');
  for (let h = 0; h < 24; h++) for (let i = 0; i <= h; i++) at(DAY + h * HOUR + 30_000 + i * 120_000, i % 2 ? '/v1/health' : '/v1/status');
  for (let i = 0; i < 5; i++) at(DAY + 24 * HOUR + 60_000 + i * 60_000, '/v1/status');
  return lines;
}

describe('report traffic chart', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'traffic-'));
    writeFileSync(join(dir, 'in.ndjson'), fixture().join('\n') + '\n');
    await runReplay({ input: join(dir, 'in.ndjson'), out: join(dir, 'lake'), shards: 1, quiet: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts each hour\'s requests at that hour, the last hour included, nothing from the days around it', async () => {
    const { data, html } = await buildReport(join(dir, 'lake'), '2026-11-23');
    const got = data.trafficByHour.map((r) => [Number(r.hour), Number(r.requests)]);
    expect(got).toEqual(Array.from({ length: 24 }, (_, h) => [h, h + 1]));
    expect(html).toContain('"trafficByHour":[{"hour":0,');
  });

  it('counts the day before on its own (its last hour, from the report day\'s 00:00 snapshot)', async () => {
    const { data } = await buildReport(join(dir, 'lake'), '2026-11-22');
    expect(data.trafficByHour.map((r) => [Number(r.hour), Number(r.requests)])).toEqual([[23, 7]]);
  });
});
