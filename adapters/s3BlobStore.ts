import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../shared/engine/ports.ts';

/**
 * S3 refused a read. For a key that does not exist S3 answers 403 AccessDenied instead of 404 NoSuchKey when the
 * caller may not list it, so "absent" and "not allowed" look the same from here: this is never read as absent.
 * (Compaction reading a present daily object as absent would rebuild the day from the hourly objects still there
 * and overwrite the hours already folded in; the engine would take a missing snapshot as a fresh start.)
 */
export class BlobAccessDeniedError extends Error {
  override name = 'BlobAccessDeniedError';
  constructor(readonly bucket: string, readonly key: string, cause: unknown) {
    super(
      `S3 denied GetObject on s3://${bucket}/${key} (${(cause as Error).name}). If the key does not exist, S3 says 403 instead of 404 ` +
        `unless the caller has s3:ListBucket on bucket ${bucket} for a prefix covering "${key}" (condition s3:prefix, e.g. ` +
        `"${key.slice(0, key.indexOf('/') + 1)}*"); if it exists, the caller needs s3:GetObject on it and kms:Decrypt on the bucket key. ` +
        'The infra grants exactly these to the analyze function (FindingsLake.grantCompactTables, grantAnalysisState).',
      { cause },
    );
  }
}

/** BlobStore on one S3 bucket. Bodies are sent as buffers (never streams) and listed by prefix only. */
export class S3BlobStore implements BlobStore {
  constructor(private readonly s3: S3Client, private readonly bucket: string, private readonly kmsKeyId?: string) {}

  async put(key: string, body: Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ...(key.endsWith('.gz') ? { ContentEncoding: 'gzip' } : {}),
        ...(this.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.kmsKeyId } : {}),
      }),
    );
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return r.Body ? await r.Body.transformToByteArray() : null;
    } catch (e) {
      if (e instanceof NoSuchKey || (e as Error).name === 'NoSuchKey') return null;
      if ((e as Error).name === 'AccessDenied' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403) {
        throw new BlobAccessDeniedError(this.bucket, key, e);
      }
      throw e;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      if (!chunk.length) continue;
      const r = await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }));
      // A key S3 failed to delete must not pass silently: a compaction that left an hourly object next to its
      // daily object would count that hour twice. Thrown, the invocation is retried and the delete with it.
      const failed = r.Errors ?? [];
      if (failed.length) throw new Error(`S3 could not delete ${failed.length} of ${chunk.length} objects, e.g. ${failed[0].Key}: ${failed[0].Code} ${failed[0].Message}`);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}
