import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import type { ApiscopeConfig } from '../config.ts';
import type { Alerts } from './alerts.ts';
import { ApiscopeFunction, type CodeLocation } from './apiscopeFunction.ts';
import type { FindingsLake } from './findingsLake.ts';

/** Prefix of the daily reports in the lake bucket. */
export const REPORTS_PREFIX = 'reports';
/** Every day at 06:00 UTC, after the night's last windows have closed. */
export const REPORT_SCHEDULE = events.Schedule.cron({ minute: '0', hour: '6' });

export interface DailyReportProps {
  readonly config: ApiscopeConfig;
  readonly code: CodeLocation;
  readonly lake: FindingsLake;
  readonly alerts: Alerts;
  readonly opsTopic: sns.ITopic;
}

/**
 * The daily report: `functions/report` runs on an EventBridge schedule, queries the lake through the Athena
 * workgroup, writes `reports/<day>.html` and mails a summary through the alert topic. An alarm tells the ops topic when a run fails.
 *
 * @example
 * new DailyReport(this, 'Report', { config, code, lake, alerts, opsTopic: alerts.opsTopic });
 */
export class DailyReport extends Construct {
  readonly function: ApiscopeFunction;
  readonly rule: events.Rule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DailyReportProps) {
    super(scope, id);
    const { lake, alerts } = props;
    this.function = new ApiscopeFunction(this, 'Fn', {
      name: 'report',
      description: 'apiscope report: daily summary of the API inventory, defects and risky callers',
      code: props.code,
      retentionDays: props.config.retentionDays,
      memorySize: 512,
      timeout: Duration.minutes(10),
      environment: {
        [ENV.bucket]: lake.bucket.bucketName,
        [ENV.alertTopicArn]: alerts.alertTopic.topicArn,
        [ENV.minAlertSeverity]: props.config.minAlertSeverity,
        [ENV.athenaWorkGroup]: lake.workGroup.ref,
        [ENV.glueDatabase]: lake.databaseName,
      },
    });
    const role = this.function.role;
    lake.grantQuery(role);
    alerts.grantPublishAlert(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [lake.bucket.arnForObjects(`${REPORTS_PREFIX}/*`)] }));
    lake.acknowledgePrefix(role, REPORTS_PREFIX, 'One report object per day (reports/<yyyy-MM-dd>.html); the wildcard is limited to s3:PutObject under the reports prefix.');

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'apiscope: daily report',
      schedule: REPORT_SCHEDULE,
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 2, maxEventAge: Duration.hours(2) })],
    });

    this.alarm = new cloudwatch.Alarm(this, 'Errors', {
      alarmDescription: 'apiscope daily report failed; check its log group.',
      metric: this.function.fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new actions.SnsAction(props.opsTopic));
  }
}
