import { describe, expect, it } from 'vitest';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { createAnalysisHandler, RECORDS_PER_SLICE } from '../../functions/shared/createAnalysisHandler.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { kinesisRecord } from '../../local/kinesisRecord.ts';
import { MemoryKeyValueStore } from '../../local/memoryKeyValueStore.ts';
import { MemoryBlobStore } from '../../local/memoryBlobStore.ts';
import { JsonlAlertSink } from '../../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { decodeNdjson } from '../../shared/engine/codec.ts';
import { toyDiscovery, toyScoring } from '../support/toyAnalyses.ts';
import { accessLine } from '../support/records.ts';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const ctx = {} as Context;
type Rec = KinesisStreamEvent['Records'][number];

/** 1,300 records of 5 events each, one every second of event time; every 7th event from one busy IP. */
function records(): Rec[] {
  const out: Rec[] = [];
  for (let r = 0; r < 1300; r++) {
    const msgs = Array.from({ length: 5 }, (_, j) => {
      const i = r * 5 + j;
      return { id: String(i), timestamp: T0 + i * 1000, message: JSON.stringify(accessLine({ requestId: `r${i}`, requestTimeEpoch: String(T0 + i * 1000), ip: i % 7 === 0 ? '192.0.2.66' : `10.0.${i % 200}.1`, path: `/v1/accounts/${i % 9}` })) };
    });
    out.push(kinesisRecord({ stream: 's', region: 'us-east-1', shardId: 'shardId-000000000000', sequenceNumber: String(r).padStart(20, '0'), partitionKey: String(r), data: encodeSubscriptionPayload(msgs).toString('base64'), arrivalMs: T0 + (r * 5 + 4) * 1000 }));
  }
  return out;
}

async function run(batchSize: number) {
  const ports = { kv: new MemoryKeyValueStore(), blobs: new MemoryBlobStore(), alerts: new JsonlAlertSink(), metrics: new CountingMetrics() };
  const bufferIds = new Set<string>();
  const put = ports.blobs.put.bind(ports.blobs);
  ports.blobs.put = async (key, body) => { if (key.includes('/buffer/')) bufferIds.add(key.split('/').pop()!); return put(key, body); };
  const h = createAnalysisHandler('analyze', async () => ({ analysis: createPipeline(toyDiscovery(), [toyScoring()]) }), async () => ({ ports, hashKey: 'k'.repeat(16), engine: { windowMs: 300_000, latenessMs: 60_000 } }));
  const recs = records();
  for (let i = 0; i < recs.length; i += batchSize) expect((await h({ Records: recs.slice(i, i + batchSize) }, ctx)).batchItemFailures).toEqual([]);
  const e = await h.engine();
  await e.closeReady({ force: true, max: Infinity });
  await e.finish();
  const rows = async (p: string) => (await Promise.all((await ports.blobs.list(p)).map(async (k) => decodeNdjson<Record<string, unknown>>((await ports.blobs.get(k))!)))).flat();
  return { risk: await rows('risk_events/'), endpoints: await rows('endpoints/'), state: await e.currentState(), bufferIds };
}

describe('a batch larger than one slice', () => {
  it('is buffered slice by slice and gives the same findings as small batches', async () => {
    expect(1300).toBeGreaterThan(2 * RECORDS_PER_SLICE);
    const small = await run(100);
    const large = await run(1300);
    expect(large.risk.length).toBeGreaterThan(0);
    expect(large.risk).toEqual(small.risk);
    expect(large.endpoints).toEqual(small.endpoints);
    expect(large.state).toEqual(small.state);
    // Buffer objects are named by shard and first sequence number: one per slice of the big batch.
    expect([...large.bufferIds].sort()).toEqual([0, 500, 1000].map((s) => `shardId-000000000000-${String(s).padStart(20, '0')}.json`));
  });
});
