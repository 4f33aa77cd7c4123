import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AnalysisFunction } from './analysisFunctions.ts';
import { subscriptionFilterName } from './ingestStream.ts';

/**
 * Custom metrics the functions emit with Powertools Metrics (functions/shared/createAnalysisHandler.ts and
 * shared/engine/windowEngine.ts): namespace `apiscope`, dimension `service` = function name (`analyze`), and for
 * dimensioned counts a second dimension `reason` (rejection reason, or findings table).
 */
export const METRICS = {
  namespace: 'apiscope',
  /** Kinesis records a function received (dimension service). */
  recordsIn: 'RecordsIn',
  /** Log events rejected by decode/normalize (dimensions service, reason). */
  rejected: 'RecordsRejected',
  /** Finding rows written to the lake (dimensions service, reason = table). */
  findings: 'FindingsOut',
} as const;

/** Alarm thresholds; an iterator age above this means the consumer is falling behind the stream. */
export const THRESHOLDS = {
  iteratorAge: Duration.minutes(15),
  errorsPer5Min: 1,
  throttlesPer5Min: 1,
  dlqMessages: 1,
} as const;

export interface ObservabilityProps {
  readonly stream: kinesis.IStream;
  readonly functions: readonly AnalysisFunction[];
  readonly opsTopic: sns.ITopic;
}

/**
 * One dashboard for the pipeline (records in, rejected, findings out, iterator age, errors, throttles) and
 * alarms to the ops topic when the consumer falls behind, fails, is throttled, or gives up on a batch.
 *
 * @example
 * new Observability(this, 'Observability', { stream, functions: analysis.functions, opsTopic: alerts.opsTopic });
 */
export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const action = new actions.SnsAction(props.opsTopic);
    const perService = (metricName: string, f: AnalysisFunction) =>
      new cloudwatch.Metric({
        namespace: METRICS.namespace,
        metricName,
        dimensionsMap: { service: f.spec.name },
        statistic: 'Sum',
        period,
        label: `${f.spec.name} ${metricName}`,
      });
    // Summed over the `reason` dimension, whose values (rejection reasons, tables) are open-ended.
    const allReasons = (metricName: string, f: AnalysisFunction) =>
      new cloudwatch.MathExpression({
        expression: `SUM(SEARCH('{${METRICS.namespace},reason,service} MetricName="${metricName}" service="${f.spec.name}"', 'Sum', ${period.toSeconds()}))`,
        usingMetrics: {},
        period,
        label: f.spec.name,
      });

    for (const f of props.functions) {
      const name = f.spec.name;
      this.alarm(`${name}IteratorAge`, action, {
        alarmDescription: `apiscope ${name} is more than ${THRESHOLDS.iteratorAge.toMinutes()} min behind the stream; records older than 1 day are dropped to its DLQ.`,
        metric: f.fn.metric('IteratorAge', { statistic: 'Maximum', period }),
        threshold: THRESHOLDS.iteratorAge.toMilliseconds(),
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      this.alarm(`${name}Errors`, action, {
        alarmDescription: `apiscope ${name} invocations fail; check its log group.`,
        metric: f.fn.metricErrors({ period, statistic: 'Sum' }),
        threshold: THRESHOLDS.errorsPer5Min,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      this.alarm(`${name}Throttles`, action, {
        alarmDescription: `apiscope ${name} is throttled (account concurrency); the stream backs up.`,
        metric: f.fn.metricThrottles({ period, statistic: 'Sum' }),
        threshold: THRESHOLDS.throttlesPer5Min,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      this.alarm(`${name}DlqDepth`, action, {
        alarmDescription: `apiscope ${name} gave up on Kinesis batches (see its FailedBatches queue for shard and sequence ranges).`,
        metric: f.dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        threshold: THRESHOLDS.dlqMessages,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      // SNS trouble never fails a batch (alerts wait in the outbox), so only these say that alerts are late.
      this.alarm(`${name}AlertsUndelivered`, action, {
        alarmDescription: `apiscope ${name} holds security alerts it could not publish for 15 min (AlertOutboxDepth); check the alert topic, its KMS key and the function's sns:Publish permission.`,
        metric: new cloudwatch.Metric({ namespace: METRICS.namespace, metricName: 'AlertOutboxDepth', dimensionsMap: { service: name }, statistic: 'Minimum', period }),
        threshold: 1,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      this.alarm(`${name}AlertPublishFailed`, action, {
        alarmDescription: `apiscope ${name} failed to publish security alerts to SNS in two 5-min periods in a row; they are retried from the outbox.`,
        metric: new cloudwatch.Metric({ namespace: METRICS.namespace, metricName: 'AlertPublishFailed', dimensionsMap: { service: name }, statistic: 'Sum', period }),
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    this.alarm('StreamWriteThrottled', action, {
      alarmDescription:
        'The ingest stream rejects writes (shard limit); CloudWatch Logs retries but may drop access-log events. Raise shardCount.',
      metric: props.stream.metricWriteProvisionedThroughputExceeded({ period, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    const fns = props.functions;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Records in (Kinesis)',
            left: [
              props.stream.metricIncomingRecords({ period, statistic: 'Sum', label: 'stream IncomingRecords' }),
              ...fns.map((f) => perService(METRICS.recordsIn, f)),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({ title: 'Records rejected', left: fns.map((f) => allReasons(METRICS.rejected, f)), width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Findings out', left: fns.map((f) => allReasons(METRICS.findings, f)), width: 8 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Iterator age (ms)',
            left: fns.map((f) => f.fn.metric('IteratorAge', { statistic: 'Maximum', period, label: f.spec.name })),
            leftAnnotations: [{ value: THRESHOLDS.iteratorAge.toMilliseconds(), label: 'alarm' }],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Errors',
            left: fns.map((f) => f.fn.metricErrors({ period, statistic: 'Sum', label: f.spec.name })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Throttles',
            left: fns.map((f) => f.fn.metricThrottles({ period, statistic: 'Sum', label: f.spec.name })),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Failed batches (DLQ depth)',
            left: fns.map((f) => f.dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: f.spec.name })),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Subscription delivery errors / throttling (CloudWatch Logs -> stream)',
            left: ['DeliveryErrors', 'DeliveryThrottling'].map(
              (m) =>
                new cloudwatch.MathExpression({
                  expression: `SUM(SEARCH('{AWS/Logs,DestinationType,FilterName,LogGroupName} MetricName="${m}" FilterName="${subscriptionFilterName(Stack.of(this).stackName)}"', 'Sum', ${period.toSeconds()}))`,
                  usingMetrics: {},
                  period,
                  label: m,
                }),
            ),
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Stream write throttling',
            left: [props.stream.metricWriteProvisionedThroughputExceeded({ period, statistic: 'Sum' })],
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
      ],
    });
  }

  private alarm(id: string, action: actions.SnsAction, props: Omit<cloudwatch.AlarmProps, 'treatMissingData' | 'actionsEnabled'>): void {
    const alarm = new cloudwatch.Alarm(this, id, { ...props, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING });
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
