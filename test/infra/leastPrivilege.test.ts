import { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../shared/emit/tableSchemas.ts';
import type { ApiscopeStack } from '../../infra/apiscopeStack.ts';
import { ANALYSIS_FUNCTIONS, type AnalysisName } from '../../infra/constructs/analysisFunctions.ts';
import { policyOf, templateOf } from './synth.ts';

const CONFIG = {
  logGroupNames: ['/aws/apigateway/orders-access'],
  rulesUri: 's3://apiscope-config/rules.yaml',
  specUri: 's3://apiscope-config/openapi.yaml',
  reputationUri: 's3://apiscope-config/reputation.json',
};

let template: Template;
let stack: ApiscopeStack;
const id = (c: IConstruct) => stack.getLogicalId((CfnElement.isCfnElement(c) ? c : c.node.defaultChild) as CfnElement);
const arnOf = (c: IConstruct) => JSON.stringify({ 'Fn::GetAtt': [id(c), 'Arn'] });
const permissions = (name: AnalysisName) => policyOf(template, id(stack.analysis.byName[name].role));
const can = (name: AnalysisName, action: string, resource: string) =>
  permissions(name).some((p) => p.action === action && p.resource === resource);
/** The JSON of a `bucket.arnForObjects('<prefix>/*')` resource. */
const objectsOf = (prefix: string) => JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack.lake.bucket), 'Arn'] }, `/${prefix}/*`]] });

beforeAll(() => {
  ({ template, stack } = templateOf({ apiscope: CONFIG }));
});

describe('least privilege of the analysis functions', () => {
  it.each(ANALYSIS_FUNCTIONS.map((f) => [f.name, f] as const))('%s writes only its own tables', (name, spec) => {
    for (const t of TABLES) {
      expect(can(name, 's3:PutObject', objectsOf(t.prefix)), `${name} -> ${t.name}`).toBe(spec.writes.includes(t.name as never));
    }
    // Findings are write-only: no read or delete of any table prefix.
    for (const t of TABLES) {
      for (const action of ['s3:GetObject', 's3:DeleteObject']) expect(can(name, action, objectsOf(t.prefix))).toBe(false);
    }
  });

  it.each(ANALYSIS_FUNCTIONS.map((f) => [f.name, f] as const))('%s keeps state only under its own state prefix', (name, spec) => {
    for (const action of ['s3:PutObject', 's3:GetObject', 's3:DeleteObject']) {
      expect(can(name, action, objectsOf(`state/${name}`))).toBe(true);
      for (const other of ANALYSIS_FUNCTIONS.filter((o) => o.name !== name)) {
        expect(can(name, action, objectsOf(`state/${other.name}`)), `${name} ${action} state/${other.name}`).toBe(false);
      }
    }
    expect(can(name, 's3:GetObject', objectsOf('state/discovery/snapshot'))).toBe(spec.readsDiscoverySnapshots);
    expect(can(name, 's3:PutObject', objectsOf('state/discovery/snapshot'))).toBe(false);
    // Listing is limited to the own state prefix by condition.
    const roleId = id(stack.analysis.byName[name].role);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
    const lists = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => [st.Action].flat().includes('s3:ListBucket'));
    expect(lists).toHaveLength(1);
    expect(lists[0].Condition).toEqual({ StringLike: { 's3:prefix': [`state/${name}/*`] } });
  });

  it('has no wildcard actions and no "*" resources in any role policy', () => {
    for (const f of stack.analysis.functions) {
      for (const p of permissions(f.spec.name)) {
        expect(p.action, `${f.spec.name} ${p.action}`).not.toMatch(/\*/);
        expect(p.resource, `${f.spec.name} ${p.action}`).not.toBe('"*"');
      }
    }
  });

  it('defects cannot read the reputation list, write risk or actor rows, or use the stream key to write', () => {
    const reads = (name: AnalysisName) =>
      permissions(name).filter((p) => p.action === 's3:GetObject' && !p.resource.includes(id(stack.lake.bucket))).map((p) => p.resource);
    expect(reads('defects').join()).toMatch(/:s3:::apiscope-config\/rules.yaml/);
    expect(reads('defects').join()).toMatch(/:s3:::apiscope-config\/openapi.yaml/);
    expect(reads('defects').join()).not.toMatch(/reputation/);
    expect(reads('scoring').join()).toMatch(/:s3:::apiscope-config\/reputation.json/);
    expect(reads('scoring').join()).not.toMatch(/rules/);
    expect(reads('discovery').join()).not.toMatch(/rules|reputation/);
    expect(can('defects', 's3:PutObject', objectsOf('risk_events'))).toBe(false);
    expect(can('defects', 's3:PutObject', objectsOf('actors'))).toBe(false);
    expect(permissions('defects').some((p) => p.action.startsWith('kinesis:Put'))).toBe(false);
  });

  it('only defects and scoring may publish alerts; nobody may publish to the ops topic', () => {
    const alertTopic = JSON.stringify({ Ref: id(stack.alerts.alertTopic) });
    const opsTopic = JSON.stringify({ Ref: id(stack.alerts.opsTopic) });
    expect(can('defects', 'sns:Publish', alertTopic)).toBe(true);
    expect(can('scoring', 'sns:Publish', alertTopic)).toBe(true);
    expect(can('discovery', 'sns:Publish', alertTopic)).toBe(false);
    expect(permissions('discovery').some((p) => p.resource === arnOf(stack.alerts.alertKey))).toBe(false);
    for (const name of ['discovery', 'defects', 'scoring'] as const) expect(can(name, 'sns:Publish', opsTopic)).toBe(false);
  });

  it('uses the state table with exactly the item calls of the DynamoDB adapter, on the table only', () => {
    for (const f of stack.analysis.functions) {
      const ddb = permissions(f.spec.name).filter((p) => p.action.startsWith('dynamodb:'));
      expect(new Set(ddb.map((p) => p.resource))).toEqual(new Set([arnOf(stack.state.table)]));
      expect(ddb.map((p) => p.action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    }
  });

  it('reads the stream, sends to its own DLQ only, and reads only the hash-key parameter', () => {
    for (const f of stack.analysis.functions) {
      const perms = permissions(f.spec.name);
      expect(perms.some((p) => p.action === 'kinesis:GetRecords' && p.resource === arnOf(stack.ingest.stream))).toBe(true);
      const sends = perms.filter((p) => p.action === 'sqs:SendMessage').map((p) => p.resource);
      expect(sends).toEqual([arnOf(f.dlq)]);
      const ssm = perms.filter((p) => p.action.startsWith('ssm:'));
      expect(ssm).toHaveLength(1);
      expect(JSON.stringify(stack.resolve(ssm[0]))).toContain('parameter/apiscope/hash-key');
      expect(perms.some((p) => p.action.startsWith('logs:') && p.resource !== arnOf(f.logGroup))).toBe(false);
    }
  });

  it('uses no AWS managed policies for the function roles', () => {
    for (const f of stack.analysis.functions) {
      const role = template.toJSON().Resources[id(f.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});
