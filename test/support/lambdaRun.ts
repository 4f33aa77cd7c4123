import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { cloudWatchLogEvents } from '../../local/cloudWatchLogEvents.ts';
import { kinesisRecord } from '../../local/kinesisRecord.ts';
import { drainAll } from '../../local/drain.ts';
import type { AnalysisHandler } from '../../functions/shared/createAnalysisHandler.ts';

const ctx = { functionName: 'analyze', awsRequestId: 'test', getRemainingTimeInMillis: () => 300_000 } as unknown as Context;

/**
 * Access-log lines as Lambda's Kinesis event source hands them over: CloudWatch Logs subscription payloads of
 * `linesPerRecord` lines, spread over `shards` shards, in batches of `recordsPerBatch` records, the shards'
 * batches interleaved (concurrent event source mappings). Deterministic, so two runs get the same batches.
 */
export function kinesisBatches(lines: readonly string[], o: { shards: number; linesPerRecord: number; recordsPerBatch: number }): KinesisStreamEvent[] {
  const perShard: KinesisStreamRecord[][] = Array.from({ length: o.shards }, () => []);
  let arrival = 0;
  for (let i = 0, n = 0; i < lines.length; i += o.linesPerRecord, n++) {
    const events = cloudWatchLogEvents(lines.slice(i, i + o.linesPerRecord), i);
    for (const e of events) if (Number.isFinite(e.timestamp) && e.timestamp > arrival) arrival = e.timestamp;
    const shard = n % o.shards;
    const seq = String(perShard[shard].length + 1).padStart(20, '0');
    perShard[shard].push(kinesisRecord({ stream: 'apiscope-logs', shardId: `shardId-${String(shard).padStart(12, '0')}`, sequenceNumber: seq, partitionKey: String(n), data: encodeSubscriptionPayload(events).toString('base64'), arrivalMs: arrival }));
  }
  const batches: KinesisStreamEvent[] = [];
  const rounds = Math.max(...perShard.map((r) => Math.ceil(r.length / o.recordsPerBatch)));
  for (let b = 0; b < rounds; b++) {
    for (const records of perShard) {
      const slice = records.slice(b * o.recordsPerBatch, (b + 1) * o.recordsPerBatch);
      if (slice.length) batches.push({ Records: slice });
    }
  }
  return batches;
}

export interface LambdaOptions {
  /** A failed batch goes to a new container (Lambda replaced the one that failed). Default: the same one. */
  coldAfterFailure?: boolean;
  /** Every n-th invocation starts a new container (scaling, recycling). */
  coldEvery?: number;
  /** Attempts per batch before the run gives up (a bug, not a fault). */
  maxAttempts?: number;
}

/**
 * Invokes analysis handlers as Lambda does: a batch whose invocation fails is delivered again until it
 * succeeds (the event source mapping retries it), on the same container or a new one.
 */
export class LambdaRun {
  invocations = 0;
  redeliveries = 0;
  containers = 0;
  /** What each failed invocation threw. */
  readonly errors: string[] = [];
  private current: AnalysisHandler;

  constructor(private readonly newContainer: () => AnalysisHandler, private readonly o: LambdaOptions = {}) {
    this.current = this.spawn();
  }

  private spawn(): AnalysisHandler {
    this.containers++;
    return this.newContainer();
  }

  /** The container that handles the next invocation. */
  get handler(): AnalysisHandler {
    return this.current;
  }

  async deliver(event: KinesisStreamEvent): Promise<void> {
    await this.retry(async () => {
      this.invocations++;
      if (this.o.coldEvery && this.invocations % this.o.coldEvery === 0) this.current = this.spawn();
      const r = await this.current(event, ctx);
      if (r.batchItemFailures.length) throw new Error(`${r.batchItemFailures.length} records failed`);
    });
  }

  /** The end of the stream, as a replay ends it: every window closed and open findings written, retried too. */
  async end(): Promise<void> {
    await this.retry(() => drainAll(this.current));
  }

  private async retry(f: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        this.errors.push(String(e) + ((e as any)?.$metadata?.attempts ? ` (after ${(e as any).$metadata.attempts} attempts)` : ""));
        if (attempt >= (this.o.maxAttempts ?? 30)) throw e;
        this.redeliveries++;
        if (this.o.coldAfterFailure) this.current = this.spawn();
      }
    }
  }
}
