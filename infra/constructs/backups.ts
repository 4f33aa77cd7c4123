import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface BackupsProps {
  /** Days AWS Backup keeps each recovery point (config `backupRetentionDays`). */
  readonly retentionDays: number;
  /** The state table (endpoint inventory, defect lifecycle, baselines, windows). */
  readonly table: dynamodb.ITable;
  /** The findings bucket: findings tables and the engine's working state under `state/` (it must be versioned). */
  readonly bucket: s3.IBucket;
}

/**
 * The AWS managed policies of the backup role. AWS Backup needs a few dozen service-internal actions (DynamoDB
 * backup ARNs it names itself, S3 EventBridge rules it creates, KMS grants for the vault) that AWS maintains in
 * these policies; a hand-written copy would fall behind them.
 */
export const BACKUP_MANAGED_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup',
  'AWSBackupServiceRolePolicyForS3Restore',
] as const;

/** 03:00 UTC: after the previous day's compaction (at the first window close after midnight), so a recovery point holds whole days. */
export const BACKUP_SCHEDULE = { minute: '0', hour: '3' } as const;

/**
 * AWS Backup of what apiscope cannot rebuild: the state table and the findings bucket (findings and the engine's
 * `state/` prefix). A vault encrypted with its own rotating key, one daily rule whose recovery points live
 * `retentionDays` days, and one selection naming exactly the table and the bucket. PITR on the table and
 * versioning on the bucket cover mistakes of the last days; these recovery points are the copies that survive
 * a deleted table or a wiped bucket.
 *
 * @example
 * new Backups(this, 'Backups', { retentionDays: 35, table: state.table, bucket: lake.bucket });
 */
export class Backups extends Construct {
  readonly key: kms.Key;
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly role: iam.Role;
  readonly selection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'VaultKey', {
      description: 'apiscope: encrypts the AWS Backup recovery points of the state table and the findings bucket',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: this.key,
      // A vault cannot be deleted while it holds recovery points; retained, it outlives `cdk destroy` with them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'daily',
          scheduleExpression: events.Schedule.cron(BACKUP_SCHEDULE),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          deleteAfter: Duration.days(props.retentionDays),
        }),
      ],
    });

    this.role = new iam.Role(this, 'Role', {
      description: 'apiscope: lets AWS Backup back up and restore the state table and the findings bucket',
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: BACKUP_MANAGED_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    this.selection = this.plan.addSelection('StateAndFindings', {
      resources: [backup.BackupResource.fromArn(props.table.tableArn), backup.BackupResource.fromArn(props.bucket.bucketArn)],
      role: this.role,
      // The role above already has the backup and restore policies; the L2 would attach them again.
      disableDefaultBackupPolicy: true,
    });
    Validations.of(this.role).acknowledge(
      ...BACKUP_MANAGED_POLICIES.map((name) => ({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        reason: `AWS Backup's own service policy ${name.split('/').pop()}: the role is assumable only by backup.amazonaws.com and used only by this plan's selection of the state table and the findings bucket; AWS keeps the policy in step with what the service calls.`,
      })),
    );
  }
}
