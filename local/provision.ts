import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/** Creates what the CDK stack creates in AWS, on the emulators: the state table, the bucket and the stream. */
export async function provision(c: { dynamodb: DynamoDBClient; s3: S3Client; kinesis: KinesisClient }, names: { table: string; bucket: string; stream: string; shards: number }) {
  await c.dynamodb.send(
    new CreateTableCommand({
      TableName: names.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }),
  );
  await c.s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  await c.kinesis.send(new CreateStreamCommand({ StreamName: names.stream, ShardCount: names.shards }));
  for (let i = 0; i < 50; i++) {
    const s = await c.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.stream }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stream ${names.stream} did not become ACTIVE`);
}
