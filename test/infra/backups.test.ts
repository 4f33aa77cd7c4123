import { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/config.ts';
import type { ApiscopeStack } from '../../infra/apiscopeStack.ts';
import { BACKUP_MANAGED_POLICIES } from '../../infra/constructs/backups.ts';
import { templateOf } from './synth.ts';

let template: Template;
let stack: ApiscopeStack;
const id = (c: IConstruct) => stack.getLogicalId((CfnElement.isCfnElement(c) ? c : c.node.defaultChild) as CfnElement);

beforeAll(() => {
  ({ template, stack } = templateOf({ apiscope: { logGroupNames: ['/aws/apigateway/orders-access'], backupRetentionDays: 90 } }));
});

describe('AWS Backup of the state table and the findings bucket', () => {
  it('has a vault encrypted with its own rotating customer-managed key, retained with the stack', () => {
    const vaults = template.findResources('AWS::Backup::BackupVault');
    expect(Object.keys(vaults)).toHaveLength(1);
    const vault = Object.values(vaults)[0] as any;
    expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [id(stack.backups.key), 'Arn'] });
    expect(vault.DeletionPolicy).toBe('Retain');
    const key = template.toJSON().Resources[id(stack.backups.key)];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('has a plan whose daily rule keeps recovery points for backupRetentionDays, in that vault', () => {
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'daily',
            ScheduleExpression: 'cron(0 3 * * ? *)',
            TargetBackupVault: { 'Fn::GetAtt': [id(stack.backups.vault), 'BackupVaultName'] },
            Lifecycle: { DeleteAfterDays: 90 },
          }),
        ],
      },
    });
  });

  it('takes the retention from the config (default 35 days)', () => {
    const { template: t } = templateOf({ apiscope: { logGroupNames: ['/aws/apigateway/orders-access'] } });
    const rule = (Object.values(t.findResources('AWS::Backup::BackupPlan'))[0] as any).Properties.BackupPlan.BackupPlanRule[0];
    expect(rule.Lifecycle).toEqual({ DeleteAfterDays: 35 });
    expect(parseConfig({ createDemoApi: true }).backupRetentionDays).toBe(35);
  });

  it('selects exactly the state table and the findings bucket, with a role only AWS Backup can assume', () => {
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
    const selection = (Object.values(template.findResources('AWS::Backup::BackupSelection'))[0] as any).Properties;
    expect(selection.BackupPlanId).toEqual({ 'Fn::GetAtt': [id(stack.backups.plan), 'BackupPlanId'] });
    expect(selection.BackupSelection.Resources).toEqual([
      { 'Fn::GetAtt': [id(stack.state.table), 'Arn'] },
      { 'Fn::GetAtt': [id(stack.lake.bucket), 'Arn'] },
    ]);
    expect(selection.BackupSelection.IamRoleArn).toEqual({ 'Fn::GetAtt': [id(stack.backups.role), 'Arn'] });
    const role = template.toJSON().Resources[id(stack.backups.role)].Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } },
    ]);
    // Backup and restore, for DynamoDB and for S3 (the S3 pair is separate from the generic one).
    const policies = role.ManagedPolicyArns.map((a: any) => a['Fn::Join'][1].join('')).map((a: string) => a.replace(/^arn:.*?:iam::aws:policy\//, ''));
    expect(policies.sort()).toEqual([...BACKUP_MANAGED_POLICIES].sort());
  });

  it('backs up a bucket that is versioned (AWS Backup for S3 requires it)', () => {
    const bucket = template.toJSON().Resources[id(stack.lake.bucket)];
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('rejects a retention AWS Backup cannot keep, naming the option', () => {
    expect(() => parseConfig({ createDemoApi: true, backupRetentionDays: 0 })).toThrow(/backupRetentionDays: must be 1-36500 days/);
    expect(() => parseConfig({ createDemoApi: true, backupRetentionDays: 7.5 })).toThrow(/backupRetentionDays: must be a whole number/);
  });
});
