import type { KinesisStreamRecord } from 'aws-lambda';

/**
 * One record of a Lambda Kinesis event, shaped exactly as the event source mapping delivers it. The local
 * poller, the replay and the benchmark all hand the handlers records built here.
 */
export function kinesisRecord(r: { stream: string; shardId: string; sequenceNumber: string; partitionKey: string; data: string; arrivalMs: number; region?: string }): KinesisStreamRecord {
  const region = r.region ?? 'us-east-1';
  return {
    eventID: `${r.shardId}:${r.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventVersion: '1.0',
    eventSource: 'aws:kinesis',
    eventSourceARN: `arn:aws:kinesis:${region}:000000000000:stream/${r.stream}`,
    awsRegion: region,
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey: r.partitionKey, sequenceNumber: r.sequenceNumber, data: r.data, approximateArrivalTimestamp: r.arrivalMs / 1000 },
  };
}
