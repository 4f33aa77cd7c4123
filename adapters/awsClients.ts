import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * SDK clients with apiscope's retry policy: adaptive retry (client-side rate limiting on throttling) and
 * more attempts than the default, so DynamoDB throttling and S3 503s are absorbed with backoff before a
 * batch is failed and retried by Lambda.
 */
export interface ClientOptions {
  region?: string;
  endpoints?: Partial<Record<'dynamodb' | 's3' | 'sns' | 'kinesis', string>>;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
}

export function createClients(o: ClientOptions = {}) {
  const base = { region: o.region ?? process.env.AWS_REGION ?? 'us-east-1', maxAttempts: o.maxAttempts ?? 6, retryMode: 'adaptive' as const, ...(o.credentials ? { credentials: o.credentials } : {}) };
  return {
    dynamodb: new DynamoDBClient({ ...base, endpoint: o.endpoints?.dynamodb }),
    s3: new S3Client({
      ...base,
      endpoint: o.endpoints?.s3,
      forcePathStyle: !!o.endpoints?.s3,
      // Streams get aws-chunked CRC trailers; buffers don't need them and every S3-compatible store accepts this.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(o.endpoints?.s3 ? { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
    }),
    sns: new SNSClient({ ...base, endpoint: o.endpoints?.sns }),
    // HTTP/1.1: kinesalite does not speak HTTP/2, and the consumer here only uses GetRecords.
    kinesis: new KinesisClient({ ...base, endpoint: o.endpoints?.kinesis, requestHandler: new NodeHttpHandler() }),
  };
}
