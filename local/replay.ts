import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { encodeSubscriptionPayload } from '../shared/ingest/encodeSubscriptionPayload.ts';
import type { AnalysisHandler } from '../functions/shared/createAnalysisHandler.ts';
import { readInput } from './readInput.ts';
import { drainAll } from './drain.ts';
import { kinesisRecord } from './kinesisRecord.ts';

export interface ReplayStats {
  lines: number;
  undecodableLines: number;
  payloads: number;
  invocations: number;
  ms: number;
}

const EVENTS_PER_PAYLOAD = 100;
const RECORDS_PER_BATCH = 100;

function fnv(i: number): number {
  let h = 0x811c9dc5 ^ i;
  h = Math.imul(h, 0x01000193) >>> 0;
  h ^= h >>> 13;
  return Math.imul(h, 0x5bd1e995) >>> 0;
}

const ctx = { functionName: 'replay', awsRequestId: 'replay', getRemainingTimeInMillis: () => 900_000 } as unknown as Context;

/**
 * Replays a log file through the same handlers the Lambda functions run: lines become CloudWatch Logs
 * subscription payloads (100 log events each), payloads are spread over `shards` simulated shards by a hash
 * of their position (as a stream would spread them), and each shard's records are handed to every analysis
 * in Kinesis batches, shards interleaved. Findings land in the handlers' blob store in the S3 layout.
 */
export async function replayFile(input: string, handler: AnalysisHandler, opts: { shards?: number; onProgress?: (lines: number) => void } = {}): Promise<ReplayStats> {
  const t0 = Date.now();
  const shards = Math.max(1, opts.shards ?? 1);
  const queues: KinesisStreamEvent['Records'][] = Array.from({ length: shards }, () => []);
  const seqs = new Array(shards).fill(0);
  const stats: ReplayStats = { lines: 0, undecodableLines: 0, payloads: 0, invocations: 0, ms: 0 };
  let pending: Array<{ id: string; timestamp: number; message: string }> = [];
  let payloadRef = NaN, lastArrival = NaN;

  const dispatch = async (shard: number) => {
    const q = queues[shard];
    if (!q.length) return;
    queues[shard] = [];
    const event: KinesisStreamEvent = { Records: q };
    stats.invocations++;
    const res = await handler(event, ctx);
    if (res.batchItemFailures.length) throw new Error(`replay: ${res.batchItemFailures.length} records failed in shard ${shard}`);
  };
  const flushPayload = async () => {
    if (!pending.length) return;
    const idx = stats.payloads++;
    const shard = fnv(idx) % shards;
    const shardId = `shardId-${String(shard).padStart(12, '0')}`;
    const seq = String(++seqs[shard]).padStart(20, '0');
    // A stream's record arrives after its last line: the latest robust reference of the payload (one far-future
    // line does not move it), so that the handler bounds event time as it does on the stream.
    const arrival = Number.isFinite(payloadRef) ? payloadRef : Number.isFinite(lastArrival) ? lastArrival : Date.now();
    lastArrival = arrival;
    payloadRef = NaN;
    queues[shard].push(kinesisRecord({ stream: 'replay', region: 'local', shardId, sequenceNumber: seq, partitionKey: String(idx), data: encodeSubscriptionPayload(pending).toString('base64'), arrivalMs: arrival }));
    pending = [];
    // Shards are consumed side by side, as concurrent event source mappings would: when one shard has a full
    // batch, every shard hands over what it has.
    if (queues[shard].length >= RECORDS_PER_BATCH) for (let s = 0; s < shards; s++) await dispatch(s);
  };

  for await (const item of readInput(input)) {
    stats.lines++;
    if ('error' in item) {
      // A line that was itself a broken subscription payload: pass on what it decodes to, for the handler to mask and quarantine.
      stats.undecodableLines++;
      pending.push({ id: `line-${item.line}`, timestamp: NaN, message: item.sample });
    } else {
      pending.push({ id: `line-${item.line}`, timestamp: item.logTs ?? item.refTs ?? NaN, message: item.message });
      if (item.refTs !== undefined && !(item.refTs <= payloadRef)) payloadRef = item.refTs;
    }
    if (pending.length >= EVENTS_PER_PAYLOAD) await flushPayload();
    if (opts.onProgress && stats.lines % 20_000 === 0) opts.onProgress(stats.lines);
  }
  await flushPayload();
  for (let s = 0; s < shards; s++) await dispatch(s);
  await drainAll(handler);
  stats.ms = Date.now() - t0;
  return stats;
}
