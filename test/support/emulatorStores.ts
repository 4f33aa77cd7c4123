import { createClients } from '../../adapters/awsClients.ts';
import { DynamoKeyValueStore } from '../../adapters/dynamoKeyValueStore.ts';
import { S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import type { Emulators } from '../../local/emulators.ts';
import { provision } from '../../local/provision.ts';
import { mockAlertTopic } from './alertTopic.ts';
import { Faults, type FaultRule } from './faults.ts';

/**
 * A fresh table and bucket named `name` on the emulators, and the engine's ports on them: the real adapters on
 * SDK clients (`attempts` each) with `rules` injected into DynamoDB and S3, and the mocked alert topic (the
 * same rules decide its Publish calls). `clean` are clients without faults, for reading back what was stored.
 */
export async function emulatorStores(emu: Emulators, name: string, o: { rules?: FaultRule[]; attempts: number }) {
  const names = { table: name, bucket: name, stream: name, shards: 1 };
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const clean = createClients({ endpoints: emu.endpoints, credentials });
  await provision(clean, names);
  const faults = new Faults(o.rules ?? []);
  const c = createClients({ endpoints: emu.endpoints, credentials, maxAttempts: o.attempts });
  faults.attach(c.dynamodb);
  faults.attach(c.s3);
  const topic = mockAlertTopic(faults);
  const metrics = new CountingMetrics();
  const ports = { kv: new DynamoKeyValueStore(c.dynamodb, names.table), blobs: new S3BlobStore(c.s3, names.bucket), alerts: topic.publisher, metrics };
  return { names, clean, ports, topic, metrics, faults, kv: new DynamoKeyValueStore(clean.dynamodb, names.table) };
}
