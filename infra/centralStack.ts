import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FindingsLake } from './constructs/findingsLake.ts';

export interface CentralFindingsStackProps extends StackProps {
  /** Accounts whose regional apiscope deployments replicate findings here. */
  readonly sourceAccountIds: readonly string[];
  readonly retentionDays: number;
}

/**
 * The central findings account: one lake that receives the findings of many regional deployments through S3
 * replication (re-encrypted with this account's key, owned by this account), one Glue catalog and one Athena
 * workgroup with the same tables and saved queries, so a single query covers every API in every region.
 * Regional stacks point at it with centralBucketArn, centralKmsKeyArn and centralAccountId (the outputs).
 *
 * @example
 * new CentralFindingsStack(app, 'ApiscopeCentral', { sourceAccountIds: ['111122223333'], retentionDays: 400 });
 */
export class CentralFindingsStack extends Stack {
  readonly lake: FindingsLake;

  constructor(scope: Construct, id: string, props: CentralFindingsStackProps) {
    super(scope, id, { description: 'apiscope: central findings lake for all regional deployments', ...props });
    this.lake = new FindingsLake(this, 'Lake', { retentionDays: props.retentionDays, acceptReplicationFrom: props.sourceAccountIds });
    new CfnOutput(this, 'CentralBucketArn', { value: this.lake.bucket.bucketArn, description: 'regional config: centralBucketArn' });
    new CfnOutput(this, 'CentralKmsKeyArn', { value: this.lake.key.keyArn, description: 'regional config: centralKmsKeyArn' });
    new CfnOutput(this, 'CentralAccountId', { value: this.account, description: 'regional config: centralAccountId' });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.lake.workGroup.ref });
    new CfnOutput(this, 'GlueDatabase', { value: this.lake.databaseName });
  }
}
