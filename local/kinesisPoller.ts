import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import type { KinesisHandler } from '../functions/shared/createAnalysisHandler.ts';
import { kinesisRecord } from './kinesisRecord.ts';

/** Puts CloudWatch Logs subscription payloads on the stream, as the subscription filter does in AWS. */
export async function putPayloads(kinesis: KinesisClient, stream: string, payloads: Array<{ data: Uint8Array; partitionKey: string }>): Promise<void> {
  for (let i = 0; i < payloads.length; i += 500) {
    const chunk = payloads.slice(i, i + 500);
    const r = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: chunk.map((p) => ({ Data: p.data, PartitionKey: p.partitionKey })) }));
    if (r.FailedRecordCount) throw new Error(`${r.FailedRecordCount} records were not accepted by the stream`);
  }
}

const lambdaContext = (name: string): Context =>
  ({
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: 'local',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
    done() {},
    fail() {},
    succeed() {},
  }) as Context;

/**
 * A stand-in for one Lambda event source mapping: reads every shard from TRIM_HORIZON with GetRecords and
 * invokes the handler with a real-shaped Kinesis event; on reported item failures it retries from the first
 * failed sequence number a bounded number of times, then moves on (the on-failure destination in AWS).
 */
export class KinesisPoller {
  private iterators = new Map<string, string | undefined>();
  invocations = 0;
  failuresSkipped = 0;

  constructor(private readonly kinesis: KinesisClient, private readonly stream: string, private readonly name: string, private readonly handler: KinesisHandler, private readonly batchSize = 1000, private readonly maxRetries = 2) {}

  private async shards(): Promise<string[]> {
    const r = await this.kinesis.send(new ListShardsCommand({ StreamName: this.stream }));
    return (r.Shards ?? []).map((s) => s.ShardId!).sort();
  }

  /**
   * Reads and processes what is on the stream now, one batch per shard in turn (Lambda consumes shards
   * concurrently, so no shard runs far ahead of the others); returns the number of records handled.
   */
  async pollOnce(): Promise<number> {
    let total = 0;
    const shards = await this.shards();
    for (const shardId of shards) {
      if (!this.iterators.has(shardId)) {
        const it = await this.kinesis.send(new GetShardIteratorCommand({ StreamName: this.stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
        this.iterators.set(shardId, it.ShardIterator);
      }
    }
    for (let busy = true; busy; ) {
      busy = false;
      for (const shardId of shards) {
        const n = await this.pollShard(shardId);
        if (n) busy = true;
        total += n;
      }
    }
    return total;
  }

  private async pollShard(shardId: string): Promise<number> {
    const iterator = this.iterators.get(shardId);
    if (!iterator) return 0;
    const r = await this.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.batchSize }));
    this.iterators.set(shardId, r.NextShardIterator);
    const recs = r.Records ?? [];
    if (!recs.length) return 0;
    const event: KinesisStreamEvent = {
      Records: recs.map((x) =>
        kinesisRecord({
          stream: this.stream,
          shardId,
          sequenceNumber: x.SequenceNumber!,
          partitionKey: x.PartitionKey!,
          data: Buffer.from(x.Data!).toString('base64'),
          arrivalMs: x.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
        }),
      ),
    };
    await this.invoke(event);
    return recs.length;
  }

  private async invoke(event: KinesisStreamEvent, attempt = 0): Promise<void> {
    this.invocations++;
    const res = await this.handler(event, lambdaContext(this.name));
    const failed = res?.batchItemFailures ?? [];
    if (!failed.length) return;
    if (attempt >= this.maxRetries) {
      this.failuresSkipped += failed.length;
      return;
    }
    const firstSeq = failed[0].itemIdentifier;
    const idx = event.Records.findIndex((r) => r.kinesis.sequenceNumber === firstSeq);
    await this.invoke({ Records: event.Records.slice(Math.max(0, idx)) }, attempt + 1);
  }
}
