import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { createLocalHandler } from '../../local/localHandlers.ts';
import { MemoryKeyValueStore } from '../../local/memoryKeyValueStore.ts';
import { FileBlobStore } from '../../local/fileBlobStore.ts';
import { JsonlAlertSink } from '../../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { replayFile } from '../../local/replay.ts';
import { queryLake } from '../../local/lakeQuery.ts';
import { formatRows } from '../../cli/formatRows.ts';

const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));

describe('security of the pipeline itself', () => {
  let dir: string;
  let secrets: string[];
  let kv: MemoryKeyValueStore;
  let alerts: JsonlAlertSink;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pii-'));
    const sim = simulateTraffic({ seed: 5, hours: 3, rate: 40 });
    secrets = sim.secrets;
    writeFileSync(join(dir, 'in.ndjson'), sim.lines.join('\n'));
    kv = new MemoryKeyValueStore();
    alerts = new JsonlAlertSink(join(dir, 'lake', 'alerts.jsonl'));
    const h = createLocalHandler({ kv, blobs: new FileBlobStore(join(dir, 'lake')), alerts, metrics: new CountingMetrics() });
    await replayFile(join(dir, 'in.ndjson'), h, { shards: 2 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores no raw phone, resident-ID or card number in any object or state item', () => {
    const inputHas = readFileSync(join(dir, 'in.ndjson'), 'utf8');
    const used = secrets.filter((s) => inputHas.includes(s));
    expect(used.length).toBeGreaterThan(50); // the input does carry them
    const all = files(join(dir, 'lake'));
    expect(all.length).toBeGreaterThan(5);
    for (const f of all) {
      const buf = readFileSync(f);
      const text = buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf).toString() : buf.toString();
      for (const s of used) expect(text.includes(s), `${s} in ${f}`).toBe(false);
    }
    const items = JSON.stringify(kv.dump());
    for (const s of used) expect(items.includes(s), `${s} in DynamoDB`).toBe(false);
  });

});
