import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Attribute the functions set (epoch seconds) on items DynamoDB may delete, e.g. closed windows. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * The item actions adapters/dynamoKeyValueStore.ts issues (Get, Put, Query, Update, conditional or not, and
 * Delete of a sent alert's outbox entry); no Scan, no batch, no table management. A new kind of call there
 * needs a new action here.
 */
const ITEM_READ_WRITE = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const ITEM_READ = ['dynamodb:GetItem', 'dynamodb:Query'];

/**
 * The analysis state: endpoint inventory, defect lifecycle, actor baselines and windows. Single table with
 * string keys `pk`/`sk`, on-demand, point-in-time recovery, TTL on `expiresAt`, encrypted with its own key.
 *
 * @example
 * const state = new StateTable(this, 'State');
 * state.grantItemReadWrite(fn);
 */
export class StateTable extends Construct {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'TableKey', {
      description: 'apiscope: encrypts the analysis state table',
      enableKeyRotation: true,
    });
    // Table (not TableV2): TableV2 cannot render a customer-managed key in a region-agnostic stack, and
    // apiscope synthesizes without an account or region.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Item reads and writes on this table only (no Scan, no indexes, no admin), plus use of its key. */
  grantItemReadWrite(grantee: iam.IGrantable): void {
    this.grant(grantee, ITEM_READ_WRITE, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
  }

  /** Item reads on this table only, plus decryption with its key. */
  grantItemRead(grantee: iam.IGrantable): void {
    this.grant(grantee, ITEM_READ, ['kms:Decrypt', 'kms:DescribeKey']);
  }

  private grant(grantee: iam.IGrantable, actions: string[], keyActions: string[]): void {
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.table.tableArn] });
    iam.Grant.addToPrincipal({ grantee, actions: keyActions, resourceArns: [this.key.keyArn] });
  }
}
