import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DemoApi } from './demoApi.ts';

export interface IngestStreamProps {
  /** Provisioned shards of the stream. */
  readonly shardCount: number;
  /** Existing access-log groups to subscribe (same account and region). */
  readonly logGroupNames: readonly string[];
  /** Also create a demo HTTP API (static answers) that writes the recommended JSON access log, and subscribe it. */
  readonly createDemoApi: boolean;
  /** Days the demo API's access log is kept. */
  readonly retentionDays: number;
}

/**
 * The entry of the pipeline: a KMS-encrypted Kinesis stream fed by CloudWatch Logs subscription filters on
 * API Gateway access-log groups (existing ones from the config and/or the demo API's).
 *
 * @example
 * const ingest = new IngestStream(this, 'Ingest', { shardCount: 1, logGroupNames: ['/aws/apigateway/orders'], createDemoApi: false, retentionDays: 30 });
 * new KinesisEventSource(ingest.stream, { startingPosition: StartingPosition.TRIM_HORIZON });
 */
export class IngestStream extends Construct {
  readonly stream: kinesis.Stream;
  readonly key: kms.Key;
  /** Role CloudWatch Logs assumes to put records on the stream. */
  readonly subscriptionRole: iam.Role;
  readonly subscriptionFilters: logs.SubscriptionFilter[] = [];
  readonly demoApi?: DemoApi;

  constructor(scope: Construct, id: string, props: IngestStreamProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'StreamKey', {
      description: 'apiscope: encrypts API access-log records on the ingest Kinesis stream',
      enableKeyRotation: true,
    });
    this.stream = new kinesis.Stream(this, 'Stream', {
      shardCount: props.shardCount,
      streamMode: kinesis.StreamMode.PROVISIONED,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.key,
      retentionPeriod: Duration.hours(24),
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'A customer-managed key is deliberate: access logs carry caller IPs and principals, and the bank needs key-policy control, rotation and CloudTrail evidence of every decrypt. The extra KMS cost is small because consumers read batches of up to 1000 records.',
    });

    // One role for every subscription filter; only CloudWatch Logs of this account and region may assume it.
    this.subscriptionRole = new iam.Role(this, 'SubscriptionRole', {
      description: 'apiscope: lets CloudWatch Logs put subscribed access-log events on the ingest stream',
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          // The form of the CloudWatch Logs documentation for subscription roles.
          StringLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
        },
      }),
    });
    this.subscriptionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kinesis:PutRecord', 'kinesis:PutRecords'], resources: [this.stream.streamArn] }),
    );
    this.subscriptionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [this.key.keyArn] }),
    );
    // Not logs-destinations.KinesisDestination: it adds stream.grantWrite (kms:ReEncrypt*, kms:GenerateDataKey*)
    // and iam:PassRole on the role itself; CloudWatch Logs needs only the two statements above.
    const destination: logs.ILogSubscriptionDestination = {
      bind: () => ({ arn: this.stream.streamArn, role: this.subscriptionRole }),
    };

    // Named after the stack: a log group takes two subscription filters, and a second deployment subscribing
    // the same group under the same name would take over (and on deletion remove) the first one's filter.
    const filterName = subscriptionFilterName(stack.stackName);
    props.logGroupNames.forEach((name, i) => {
      const logGroup = logs.LogGroup.fromLogGroupName(this, `AccessLog${i}`, name);
      this.subscriptionFilters.push(
        new logs.SubscriptionFilter(this, `Subscription${i}`, {
          logGroup,
          destination,
          filterPattern: logs.FilterPattern.allEvents(),
          filterName,
        }),
      );
    });

    if (props.createDemoApi) {
      this.demoApi = new DemoApi(this, 'Demo', { retentionDays: props.retentionDays });
      this.subscriptionFilters.push(
        new logs.SubscriptionFilter(this, 'DemoSubscription', {
          logGroup: this.demoApi.accessLog,
          destination,
          filterPattern: logs.FilterPattern.allEvents(),
          filterName,
        }),
      );
    }
    // The filters must not be created before the role may write to the stream, or CloudWatch Logs rejects them.
    for (const f of this.subscriptionFilters) f.node.addDependency(this.subscriptionRole);
  }
}

/** The name of this stack's subscription filters, unique per stack (stack names are unique per account and region). */
export function subscriptionFilterName(stackName: string): string {
  return `apiscope-${stackName}`;
}
