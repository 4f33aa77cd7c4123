import { createClients } from '../../adapters/awsClients.ts';
import { DynamoKeyValueStore } from '../../adapters/dynamoKeyValueStore.ts';
import { S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { SnsAlertPublisher } from '../../adapters/snsAlertPublisher.ts';
import { DynamoTriageStore } from '../../adapters/dynamoTriageStore.ts';
import { storeTriage } from '../../shared/engine/storeTriage.ts';
import { loadText } from '../../adapters/loadText.ts';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { resolveHashKey } from '../../shared/config/hashKey.ts';
import { loadRuntimeConfig } from '../../shared/config/runtimeConfig.ts';
import type { AlertPublisher } from '../../shared/engine/ports.ts';
import type { HandlerDeps } from './createAnalysisHandler.ts';
import type { RuntimeConfig } from '../../shared/config/runtimeConfig.ts';

const noAlerts: AlertPublisher = { async publish() {} };

/**
 * Builds the handler's dependencies from the environment the CDK stack sets. Throws ConfigError or HashKeyError
 * (with what to fix) when the function cannot run; the entry points call it at cold start, so that happens in
 * the function's init, before any batch.
 */
export async function depsFromEnv(opts: { quarantine?: boolean } = {}): Promise<HandlerDeps & { config: RuntimeConfig; clients: ReturnType<typeof createClients>; readText: (uri: string) => Promise<string> }> {
  const config = loadRuntimeConfig(process.env);
  const clients = createClients();
  // The HMAC key for sensitive values is a SecureString read once per container, never an env value in AWS.
  const hashKey = await resolveHashKey(process.env, (name) => getParameter(name, { decrypt: true, maxAge: 3600 }), (m) => console.warn(m));
  return {
    config,
    clients,
    readText: (uri: string) => loadText(uri, clients.s3),
    hashKey,
    fieldMapping: config.fieldMapping,
    engine: { windowMs: config.windowMs, latenessMs: config.latenessMs, minShards: config.shards, deploymentId: config.deploymentId, minAlertSeverity: config.minAlertSeverity, quarantine: !!opts.quarantine },
    ports: {
      kv: new DynamoKeyValueStore(clients.dynamodb, config.table),
      blobs: new S3BlobStore(clients.s3, config.bucket),
      alerts: config.alertTopicArn ? new SnsAlertPublisher(clients.sns, config.alertTopicArn) : noAlerts,
      // The triage items live in the state table (TRIAGE#defect, TRIAGE#incident), read about once a minute.
      triage: storeTriage(new DynamoTriageStore(clients.dynamodb, config.table)),
    },
  };
}
