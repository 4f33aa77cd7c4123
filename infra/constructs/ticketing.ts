import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import type { ApiscopeConfig } from '../config.ts';
import type { Alerts } from './alerts.ts';
import { ApiscopeFunction, type CodeLocation } from './apiscopeFunction.ts';
import type { StateTable } from './stateTable.ts';
import { grantTriageItems } from './triageAccess.ts';

export interface TicketingProps {
  readonly config: ApiscopeConfig;
  readonly tickets: NonNullable<ApiscopeConfig['tickets']>;
  readonly code: CodeLocation;
  readonly state: StateTable;
  readonly alerts: Alerts;
}

/** The alert kinds the ticket function is subscribed to (SNS filter policy on the `kind` message attribute). */
export const TICKET_ALERT_KINDS = ['defect', 'defect_resolved'];

/**
 * The ticket connector: `functions/tickets` subscribed to the alert topic with a filter policy on
 * kind (defect alerts and defect_resolved notifications only), the Secrets Manager secret holding the
 * connector's credentials (the function reads it at cold start; only its ARN is in the environment), and one
 * KMS-encrypted SQS dead-letter queue for both what SNS cannot deliver to the function and what the function
 * failed after Lambda's asynchronous retries (a ticket system down beyond the connector's own retries).
 *
 * @example
 * new Ticketing(this, 'Tickets', { config, tickets: config.tickets, code, state, alerts });
 */
export class Ticketing extends Construct {
  readonly function: ApiscopeFunction;
  readonly secret: secretsmanager.Secret;
  readonly deadLetters: sqs.Queue;
  readonly deadLetterKey: kms.Key;
  readonly subscription: sns.Subscription;

  constructor(scope: Construct, id: string, props: TicketingProps) {
    super(scope, id);
    const { tickets } = props;
    this.secret = new secretsmanager.Secret(this, 'Credentials', {
      description: `apiscope: credentials of the ${tickets.connector} ticket connector (JSON; see infra/README.md, Tickets)`,
      // A placeholder the function refuses with the shape it expects, until the real one is put.
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'placeholder', excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'The secret holds a third-party API token (Jira, TAPD, GitHub) or webhook signing key that only that system can issue; a rotation Lambda cannot mint one. Rotate it in that system and put-secret-value.' });

    this.deadLetterKey = new kms.Key(this, 'DeadLetterKey', { description: 'apiscope: encrypts the ticket connector dead-letter queue', enableKeyRotation: true });
    // SNS sends undeliverable messages into the encrypted queue itself, so it must be able to use the key.
    this.deadLetterKey.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')], actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['*'],
      conditions: { ArnEquals: { 'aws:SourceArn': props.alerts.alertTopic.topicArn } },
    }));
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.deadLetterKey, enforceSSL: true, retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter destination of the ticket subscription and function; it has no dead-letter queue of its own by design.' });

    this.function = new ApiscopeFunction(this, 'Fn', {
      name: 'tickets',
      description: `apiscope tickets: defect alerts to ${tickets.connector}`,
      code: props.code,
      retentionDays: props.config.retentionDays,
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: {
        [ENV.table]: props.state.table.tableName,
        [ENV.tickets]: JSON.stringify(tickets),
        [ENV.ticketsSecretArn]: this.secret.secretArn,
      },
    });
    const fn = this.function.fn;
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    (fn.node.defaultChild as import('aws-cdk-lib/aws-lambda').CfnFunction).deadLetterConfig = { targetArn: this.deadLetters.queueArn };
    // Lambda sends failed events with the function's role; exact actions, not grantSendMessages' GenerateDataKey*.
    this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }));
    this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.deadLetterKey.keyArn] }));
    this.secret.grantRead(this.function.role);
    grantTriageItems(props.state, this.function.role);

    this.subscription = props.alerts.alertTopic.addSubscription(new subs.LambdaSubscription(fn, {
      filterPolicy: { kind: sns.SubscriptionFilter.stringFilter({ allowlist: TICKET_ALERT_KINDS }) },
      deadLetterQueue: this.deadLetters,
    })) as sns.Subscription;

    const alarm = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmDescription: 'apiscope ticket connector: alerts in the dead-letter queue did not reach the ticket system; read them, fix the cause, redrive.',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(props.alerts.opsTopic));
  }
}
