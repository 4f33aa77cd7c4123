import { readFile } from 'node:fs/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Reads a configuration document (custom rules, OpenAPI spec, reputation list) from `s3://bucket/key` or a
 * local path, so that operators can change rules without redeploying code.
 */
export async function loadText(uri: string, s3?: S3Client): Promise<string> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) return readFile(uri.replace(/^file:\/\//, ''), 'utf8');
  if (!s3) throw new Error(`cannot read ${uri}: no S3 client`);
  const r = await s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
  return (await r.Body?.transformToString('utf8')) ?? '';
}
