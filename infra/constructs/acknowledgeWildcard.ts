import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges the cdk-nag finding `AwsSolutions-IAM5[Resource::<resource>]` for one wildcard resource of the
 * policies under `scope`, with its reason. The finding id is computed the way cdk-nag computes it (resolved
 * and flattened), so it matches whether the stack's partition, region and account are tokens (tests) or
 * literals (`cdk synth` with an environment).
 *
 * @example
 * acknowledgeWildcard(role, bucket.arnForObjects('defects/*'), 'object keys are chosen at run time');
 */
export function acknowledgeWildcard(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
}
