import dynalite from 'dynalite';
import kinesalite from 'kinesalite';
import S3rver from 's3rver';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface Emulators {
  endpoints: { dynamodb: string; kinesis: string; s3: string };
  s3Dir: string;
  stop(): Promise<void>;
}

const listen = (srv: any) =>
  new Promise<number>((res, rej) => {
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => res(srv.address().port));
  });

/**
 * Starts dynalite (DynamoDB), kinesalite (Kinesis) and s3rver (S3) in this process on random 127.0.0.1
 * ports, with private temp storage. Nothing is installed and nothing outlives `stop()`.
 */
export async function startEmulators(): Promise<Emulators> {
  const ddb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const kin = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  const s3Dir = mkdtempSync(join(tmpdir(), 'apiscope-s3-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir, resetOnClose: true });
  const [ddbPort, kinPort, s3Addr] = await Promise.all([listen(ddb), listen(kin), s3.run() as Promise<AddressInfo>]);
  return {
    endpoints: { dynamodb: `http://127.0.0.1:${ddbPort}`, kinesis: `http://127.0.0.1:${kinPort}`, s3: `http://127.0.0.1:${s3Addr.port}` },
    s3Dir,
    async stop() {
      await Promise.all([new Promise((r) => ddb.close(r)), new Promise((r) => kin.close(r)), s3.close()]);
      rmSync(s3Dir, { recursive: true, force: true });
    },
  };
}
