import * as iam from 'aws-cdk-lib/aws-iam';
import { TRIAGE_ITEM_ACTIONS, TRIAGE_PARTITIONS } from '../../adapters/dynamoTriageStore.ts';
import type { StateTable } from './stateTable.ts';

/**
 * Read and write of the triage items only: the calls adapters/dynamoTriageStore.ts makes, on the state table,
 * limited by `dynamodb:LeadingKeys` to the triage partitions, so the API and the ticket function cannot read
 * or change the engine's state (windows, baselines, watermarks) in the same table.
 */
export function grantTriageItems(state: StateTable, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...TRIAGE_ITEM_ACTIONS],
      resources: [state.table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': Object.values(TRIAGE_PARTITIONS) } },
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [state.key.keyArn] }));
}
