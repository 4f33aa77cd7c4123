import { App, CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../shared/emit/tableSchemas.ts';
import { buildApp } from '../../infra/apiscopeApp.ts';
import type { ApiscopeStack } from '../../infra/apiscopeStack.ts';
import type { CentralFindingsStack } from '../../infra/centralStack.ts';
import { buildTestApp, cdkJsonContext, FIXTURE_CODE, policyOf } from './synth.ts';

const CENTRAL_BUCKET = 'arn:aws:s3:::apiscope-central-findings';
const CENTRAL_KEY = 'arn:aws:kms:eu-west-1:999900001111:key/0b5e7c3a-1111-2222-3333-444455556666';
const CONFIG = {
  logGroupNames: ['/aws/apigateway/orders-access'],
  centralBucketArn: CENTRAL_BUCKET,
  centralKmsKeyArn: CENTRAL_KEY,
  centralAccountId: '999900001111',
  central: { sourceAccountIds: ['111122223333', '444455556666'] },
};

let regional: Template;
let central: Template;
let stack: ApiscopeStack;
let centralStack: CentralFindingsStack;
const idIn = (s: ApiscopeStack | CentralFindingsStack, c: IConstruct) =>
  s.getLogicalId((CfnElement.isCfnElement(c) ? c : c.node.defaultChild) as CfnElement);

beforeAll(() => {
  const built = buildTestApp({ apiscope: CONFIG });
  stack = built.stack;
  centralStack = built.central!;
  regional = Template.fromStack(stack);
  central = Template.fromStack(centralStack);
});

describe('regional -> central replication', () => {
  it('replicates each table prefix (not state or Athena results), re-encrypted with the central key and owned by the central account', () => {
    const bucket = regional.toJSON().Resources[idIn(stack, stack.lake.bucket)].Properties;
    const rules = bucket.ReplicationConfiguration.Rules;
    expect(rules.map((r: any) => r.Filter.Prefix)).toEqual(TABLES.map((t) => `${t.prefix}/`));
    for (const r of rules) {
      expect(r).toMatchObject({
        Status: 'Enabled',
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        Destination: {
          Bucket: CENTRAL_BUCKET,
          Account: '999900001111',
          AccessControlTranslation: { Owner: 'Destination' },
          EncryptionConfiguration: { ReplicaKmsKeyID: CENTRAL_KEY },
        },
      });
    }
  });

  it('uses a replication role with no wildcard actions, encrypting only with the central key', () => {
    const roleId = regional.toJSON().Resources[idIn(stack, stack.lake.bucket)].Properties.ReplicationConfiguration.Role['Fn::GetAtt'][0];
    const perms = policyOf(regional, roleId);
    for (const p of perms) expect(p.action).not.toMatch(/\*/);
    expect(perms.filter((p) => p.action === 'kms:Encrypt').map((p) => p.resource)).toEqual([JSON.stringify(CENTRAL_KEY)]);
    const writes = perms.filter((p) => p.action === 's3:ReplicateObject').map((p) => JSON.parse(p.resource));
    expect(writes.sort()).toEqual(TABLES.map((t) => `${CENTRAL_BUCKET}/${t.prefix}/*`).sort());
  });

  it('replicates delete markers, so that the hourly objects a compaction deletes leave the central copy too', () => {
    // Without them the central bucket keeps a compacted day twice: its hourly objects and the daily one.
    const bucket = regional.toJSON().Resources[idIn(stack, stack.lake.bucket)].Properties;
    const rules = bucket.ReplicationConfiguration.Rules;
    expect(rules).toHaveLength(TABLES.length);
    for (const r of rules) {
      expect(r.DeleteMarkerReplication, r.Id).toEqual({ Status: 'Enabled' });
      // Delete marker replication needs a V2 rule (Filter) without a tag filter.
      expect(r.Filter, r.Id).toEqual({ Prefix: expect.any(String) });
    }
    const perms = policyOf(regional, bucket.ReplicationConfiguration.Role['Fn::GetAtt'][0]);
    const deletes = perms.filter((p) => p.action === 's3:ReplicateDelete').map((p) => JSON.parse(p.resource));
    expect(deletes.sort()).toEqual(TABLES.map((t) => `${CENTRAL_BUCKET}/${t.prefix}/*`).sort());
  });
});

describe('central findings stack', () => {
  it('accepts replicas only from the source accounts replication roles, on table prefixes only', () => {
    central.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AcceptApiscopeReplicas',
            Effect: 'Allow',
            Action: ['s3:ObjectOwnerOverrideToBucketOwner', 's3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
            Condition: {
              ArnLike: {
                'aws:PrincipalArn': [
                  { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/apiscope-replication-*']] },
                  { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:role/apiscope-replication-*']] },
                ],
              },
            },
          }),
        ]),
      },
    });
    central.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'EncryptApiscopeReplicas', Action: Match.arrayWith(['kms:Encrypt']) })]) },
    });
  });

  it('has the same Glue tables with partition projection over the central bucket, and one Athena workgroup with the saved queries', () => {
    central.resourceCountIs('AWS::Glue::Table', TABLES.length);
    central.resourceCountIs('AWS::Athena::WorkGroup', 1);
    central.resourceCountIs('AWS::Athena::NamedQuery', regional.toJSON() && Object.keys(regional.findResources('AWS::Athena::NamedQuery')).length);
    const location = JSON.stringify(Object.values(central.findResources('AWS::Glue::Table'))[0]);
    expect(location).toContain(idIn(centralStack, centralStack.lake.bucket));
  });

  it('is the only stack of a central-only config', () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], apiscope: { central: CONFIG.central } } });
    const built = buildApp(app, { code: FIXTURE_CODE, nag: false });
    expect(built.stack).toBeUndefined();
    expect(built.central?.stackName).toBe('ApiscopeCentral');
  });
});
