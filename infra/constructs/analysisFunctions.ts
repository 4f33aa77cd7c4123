import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import type { TableName } from '../../shared/emit/rows.ts';
import type { Pipeline } from '../../shared/engine/pipeline.ts';
import { COMPACTED_TABLES } from '../../shared/engine/compactDay.ts';
import { OPENAPI_PREFIX } from '../../shared/engine/lakeLayout.ts';
import type { ApiscopeConfig } from '../config.ts';
import type { Alerts } from './alerts.ts';
import type { FindingsLake } from './findingsLake.ts';
import { ApiscopeFunction, type CodeLocation } from './apiscopeFunction.ts';
import type { StateTable } from './stateTable.ts';

export type AnalysisName = 'analyze';
type InputUri = 'rulesUri' | 'specUri' | 'reputationUri' | 'overridesUri';

/** What each consumer of the stream needs; grants, environment and the least-privilege tests follow from it. */
export interface AnalysisFunctionSpec {
  /** Folder under functions/ and the Powertools service name. */
  readonly name: AnalysisName;
  readonly description: string;
  /**
   * Its engine state prefix under `state/` (window buffers, snapshots, late events): the name of the analysis
   * the window engine runs, which for the consumer is the pipeline (shared/engine/pipeline.ts).
   */
  readonly statePrefix: Pipeline['name'];
  /** Findings tables it writes (its S3 prefixes). */
  readonly writes: readonly TableName[];
  /** Of those, the tables whose hourly objects it folds into one per day (list, read and delete there). */
  readonly compacts: readonly TableName[];
  /** Prefixes of whole documents it writes (discovery's daily OpenAPI exports), put only. */
  readonly documents: readonly string[];
  /** Publishes to the security alert topic. */
  readonly publishesAlerts: boolean;
  /** Configured inputs it reads (s3:GetObject on exactly that object). */
  readonly reads: readonly InputUri[];
}

export const ANALYSIS_FUNCTIONS: readonly AnalysisFunctionSpec[] = [
  {
    name: 'analyze',
    description: 'apiscope analyze: builds the API inventory, finds security defects and scores callers from access logs',
    // One pipeline per window: discovery, then defects and scoring against discovery's view of the same window.
    statePrefix: 'pipeline',
    writes: ['endpoints', 'defects', 'risk_events', 'actors', 'file_assets', 'endpoint_changes', 'quarantine'],
    compacts: COMPACTED_TABLES,
    documents: [OPENAPI_PREFIX],
    publishesAlerts: true,
    reads: ['rulesUri', 'specUri', 'reputationUri', 'overridesUri'],
  },
];

const INPUT_ENV: Record<InputUri, string> = { rulesUri: ENV.rulesUri, specUri: ENV.specUri, reputationUri: ENV.reputationUri, overridesUri: ENV.overridesUri };

export interface AnalysisFunctionsProps {
  readonly config: ApiscopeConfig;
  readonly code: CodeLocation;
  readonly stream: kinesis.IStream;
  readonly state: StateTable;
  readonly lake: FindingsLake;
  readonly alerts: Alerts;
}

export interface AnalysisFunction {
  readonly spec: AnalysisFunctionSpec;
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly dlq: sqs.Queue;
  readonly logGroup: logs.LogGroup;
}

/**
 * The stream consumer (`analyze`: discovery, defects and scoring in one pipeline per window): Node 24 on arm64,
 * an ESM bundle built with local esbuild, with its own role, log group, on-failure queue and only the grants
 * its spec lists. Specs are a list so that a further consumer would get the same treatment.
 *
 * @example
 * const analysis = new AnalysisFunctions(this, 'Analysis', { config, code, stream, state, lake, alerts });
 * analysis.byName.analyze.fn.metricErrors();
 */
export class AnalysisFunctions extends Construct {
  readonly functions: AnalysisFunction[] = [];
  readonly byName = {} as Record<AnalysisName, AnalysisFunction>;
  readonly dlqKey: kms.Key;

  constructor(scope: Construct, id: string, props: AnalysisFunctionsProps) {
    super(scope, id);
    this.dlqKey = new kms.Key(this, 'DlqKey', {
      description: 'apiscope: encrypts the pointers to Kinesis batches the analysis function could not process',
      enableKeyRotation: true,
    });
    for (const spec of ANALYSIS_FUNCTIONS) {
      const f = this.createFunction(spec, props);
      this.functions.push(f);
      this.byName[spec.name] = f;
    }
  }

  private createFunction(spec: AnalysisFunctionSpec, props: AnalysisFunctionsProps): AnalysisFunction {
    const { config, state, lake, alerts } = props;
    const scope = new Construct(this, pascal(spec.name));

    const dlq = new sqs.Queue(scope, 'FailedBatches', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.dlqKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the Kinesis event source (it receives batch pointers after retries are exhausted); nothing consumes it automatically, so a further DLQ would never receive anything.',
    });

    const environment: Record<string, string> = {
      [ENV.table]: state.table.tableName,
      [ENV.bucket]: lake.bucket.bucketName,
      [ENV.minAlertSeverity]: config.minAlertSeverity,
      [ENV.hashKeyParam]: config.hashKeyParameterName,
      // Windows close once every shard has reported a watermark.
      [ENV.shards]: String(config.shardCount),
      [ENV.deploymentId]: `${Stack.of(this).account}-${Stack.of(this).region}`,
    };
    if (spec.publishesAlerts) environment[ENV.alertTopicArn] = alerts.alertTopic.topicArn;
    if (config.fieldMapping) environment[ENV.fieldMapping] = JSON.stringify(config.fieldMapping);
    for (const input of spec.reads) {
      const uri = config[input];
      if (uri) environment[INPUT_ENV[input]] = uri;
    }

    const { fn, role, logGroup } = new ApiscopeFunction(scope, 'Fn', {
      name: spec.name,
      description: spec.description,
      code: props.code,
      environment,
      retentionDays: config.retentionDays,
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });

    fn.addEventSource(
      new KinesisEventSource(props.stream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 1000,
        maxBatchingWindow: Duration.seconds(10),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 3,
        maxRecordAge: Duration.days(1),
        parallelizationFactor: 1,
        onFailure: new EncryptedSqsDlq(dlq, this.dlqKey),
      }),
    );

    state.grantItemReadWrite(role);
    for (const table of spec.writes) lake.grantWriteTable(role, table);
    lake.grantCompactTables(role, spec.compacts);
    for (const prefix of spec.documents) lake.grantWriteDocuments(role, prefix);
    lake.grantAnalysisState(role, spec.statePrefix);
    if (spec.publishesAlerts) alerts.grantPublishAlert(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: config.hashKeyParameterName.slice(1) })],
      }),
    );
    const inputObjects = spec.reads.flatMap((input) => (config[input] ? [s3ObjectArn(config[input], Stack.of(this).partition)] : []));
    if (inputObjects.length) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: inputObjects }));

    return { spec, fn, role, dlq, logGroup };
  }
}

/**
 * On-failure destination of an event source mapping. Unlike `SqsDlq`, whose queue grant adds
 * kms:ReEncrypt* and kms:GenerateDataKey*, it grants only what sending to a KMS-encrypted queue needs.
 */
export class EncryptedSqsDlq implements lambda.IEventSourceDlq {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    targetHandler.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    targetHandler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn] }),
    );
    return { destination: this.queue.queueArn };
  }
}

/** `s3://bucket/key` -> `arn:<partition>:s3:::bucket/key`. */
export function s3ObjectArn(uri: string, partition: string): string {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// object URI: ${uri}`);
  return `arn:${partition}:s3:::${m[1]}/${m[2]}`;
}

function pascal(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
