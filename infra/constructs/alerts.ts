import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Alert-topic message kinds (`kind` attribute) that are notices, not findings: e-mail gets them only on opt-in. */
export const NOTICE_KINDS = ['defect_resolved'] as const;

export interface AlertsProps {
  /** Subscribed to the security alert topic. */
  readonly alertEmail?: string;
  /** The alert e-mail gets `defect_resolved` notices too (default: findings only). */
  readonly alertEmailResolutions?: boolean;
  /** Subscribed to the operations topic (pipeline health alarms). */
  readonly opsEmail?: string;
}

/**
 * Two KMS-encrypted, TLS-only SNS topics: `alertTopic` for security findings (defects, risky callers) that the
 * functions publish, and `opsTopic` for pipeline-health alarms that CloudWatch publishes. Kept apart so that the
 * SOC is not paged for a Lambda throttle and on-call does not receive customer data.
 *
 * @example
 * const alerts = new Alerts(this, 'Alerts', { alertEmail: 'soc@bank.example' });
 * alerts.grantPublishAlert(fn);
 */
export class Alerts extends Construct {
  readonly alertTopic: sns.Topic;
  readonly alertKey: kms.Key;
  readonly opsTopic: sns.Topic;
  readonly opsKey: kms.Key;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    const account = Stack.of(this).account;

    this.alertKey = new kms.Key(this, 'AlertKey', { description: 'apiscope: encrypts security alerts at rest in SNS', enableKeyRotation: true });
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'apiscope security alerts',
      masterKey: this.alertKey,
      enforceSSL: true,
    });
    if (props.alertEmail) {
      // Resolution notices share the topic (the ticket function needs both, in order); people opt in to them.
      const filterPolicy = props.alertEmailResolutions ? undefined : { kind: sns.SubscriptionFilter.stringFilter({ denylist: [...NOTICE_KINDS] }) };
      this.alertTopic.addSubscription(new subs.EmailSubscription(props.alertEmail, { filterPolicy }));
    }

    this.opsKey = new kms.Key(this, 'OpsKey', { description: 'apiscope: encrypts pipeline-health alarms at rest in SNS', enableKeyRotation: true });
    // CloudWatch alarms publish to an encrypted topic only if CloudWatch may use its key and publish to it.
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    this.opsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatch],
        // As in the CloudWatch documentation for alarms on encrypted topics (key policy, not an IAM policy).
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.opsTopic = new sns.Topic(this, 'OpsTopic', {
      displayName: 'apiscope pipeline health',
      masterKey: this.opsKey,
      enforceSSL: true,
    });
    this.opsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.opsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    if (props.opsEmail) this.opsTopic.addSubscription(new subs.EmailSubscription(props.opsEmail));
  }

  /** sns:Publish on the alert topic and the key actions an encrypted publish needs. */
  grantPublishAlert(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [this.alertTopic.topicArn] });
    iam.Grant.addToPrincipal({ grantee, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resourceArns: [this.alertKey.keyArn] });
  }
}
