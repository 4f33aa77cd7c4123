import { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config/env.ts';
import { TABLES } from '../../shared/emit/tableSchemas.ts';
import type { TableName } from '../../shared/emit/rows.ts';
import type { ApiscopeStack } from '../../infra/apiscopeStack.ts';
import { ANALYSIS_FUNCTIONS, type AnalysisName } from '../../infra/constructs/analysisFunctions.ts';
import { COMPACTED_TABLES, DAY_OBJECT_NAME } from '../../shared/engine/compactDay.ts';
import { lakeKey, OPENAPI_PREFIX, stateKeys } from '../../shared/engine/lakeLayout.ts';
import { policyOf, templateOf } from './synth.ts';

const CONFIG = {
  logGroupNames: ['/aws/apigateway/orders-access'],
  rulesUri: 's3://apiscope-config/rules.yaml',
  specUri: 's3://apiscope-config/openapi.yaml',
  reputationUri: 's3://apiscope-config/reputation.json',
  overridesUri: 's3://apiscope-config/overrides.yaml',
};

let template: Template;
let stack: ApiscopeStack;
const id = (c: IConstruct) => stack.getLogicalId((CfnElement.isCfnElement(c) ? c : c.node.defaultChild) as CfnElement);
const arnOf = (c: IConstruct) => JSON.stringify({ 'Fn::GetAtt': [id(c), 'Arn'] });
const permissions = (name: AnalysisName) => policyOf(template, id(stack.analysis.byName[name].role));
const can = (name: AnalysisName, action: string, resource: string) =>
  permissions(name).some((p) => p.action === action && p.resource === resource);
const lakeBucketArn = () => JSON.stringify({ 'Fn::GetAtt': [id(stack.lake.bucket), 'Arn'] });
/** The JSON of a `bucket.arnForObjects('<prefix>/*')` resource. */
const objectsOf = (prefix: string) => JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack.lake.bucket), 'Arn'] }, `/${prefix}/*`]] });

beforeAll(() => {
  ({ template, stack } = templateOf({ apiscope: CONFIG }));
});

describe('least privilege of the analysis function', () => {
  it('is one consumer, analyze, keeping its engine state under state/pipeline/', () => {
    expect(ANALYSIS_FUNCTIONS.map((f) => [f.name, f.statePrefix])).toEqual([['analyze', 'pipeline']]);
    expect(stack.analysis.functions.map((f) => f.spec.name)).toEqual(['analyze']);
  });

  it.each(ANALYSIS_FUNCTIONS.map((f) => [f.name, f] as const))('%s writes every findings table and quarantine; reads and deletes only the tables it compacts', (name, spec) => {
    expect([...spec.writes].sort()).toEqual(TABLES.map((t) => t.name).sort());
    expect([...spec.compacts].sort()).toEqual(['actors', 'defects', 'endpoint_changes', 'endpoints', 'file_assets', 'risk_events']);
    for (const t of TABLES) {
      expect(can(name, 's3:PutObject', objectsOf(t.prefix)), `${name} -> ${t.name}`).toBe(true);
      // Hourly findings objects are read back and deleted when their day is compacted; quarantine stays write-only.
      const compacted = spec.compacts.includes(t.name as TableName);
      for (const action of ['s3:GetObject', 's3:DeleteObject']) expect(can(name, action, objectsOf(t.prefix)), `${name} ${action} ${t.name}`).toBe(compacted);
    }
  });

  it.each(ANALYSIS_FUNCTIONS.map((f) => [f.name, f] as const))('%s keeps state only under its own state prefix', (name, spec) => {
    const own = `state/${spec.statePrefix}`;
    for (const action of ['s3:PutObject', 's3:GetObject', 's3:DeleteObject']) {
      expect(can(name, action, objectsOf(own))).toBe(true);
      // Not the prefixes of the former per-analysis consumers (nor one named after the function), and no
      // reads of another analysis' snapshots any more.
      for (const other of ['discovery', 'defects', 'scoring', 'discovery/snapshot', name].filter((o) => o !== spec.statePrefix)) {
        expect(can(name, action, objectsOf(`state/${other}`)), `${name} ${action} state/${other}`).toBe(false);
      }
    }
    // The only lake objects it may touch: the table prefixes, its own state prefix and the OpenAPI exports.
    const lakeObjects = new Set(
      permissions(name)
        .filter((p) => p.action.startsWith('s3:') && p.resource.includes(id(stack.lake.bucket)) && p.resource !== lakeBucketArn())
        .map((p) => p.resource),
    );
    expect(lakeObjects).toEqual(new Set([...TABLES.map((t) => objectsOf(t.prefix)), objectsOf(own), objectsOf(OPENAPI_PREFIX)]));
    // Listing is limited by condition to the own state prefix and the prefixes of the compacted tables.
    const roleId = id(stack.analysis.byName[name].role);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
    const lists = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => [st.Action].flat().includes('s3:ListBucket'));
    for (const st of lists) expect(Object.keys(st.Condition)).toEqual(['StringLike']);
    const listed = lists.flatMap((st: any) => [st.Condition.StringLike['s3:prefix']].flat());
    expect(listed.sort()).toEqual([`${own}/*`, ...spec.compacts.map((t) => `${t}/*`)].sort());
    expect(new Set(permissions(name).filter((p) => p.resource === lakeBucketArn()).map((p) => p.action))).toEqual(new Set(['s3:ListBucket']));
  });

  it('may list exactly the prefixes of the keys it reads, so S3 answers 404, not 403, for a missing one', () => {
    // For a GetObject of a missing key S3 checks s3:ListBucket with s3:prefix set to the key itself.
    const roleId = id(stack.analysis.byName.analyze.role);
    const statements = (Object.values(template.findResources('AWS::IAM::Policy')) as any[])
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => [st.Action].flat().includes('s3:ListBucket'));
    const patterns = statements.flatMap((st: any) => [st.Condition.StringLike['s3:prefix']].flat()) as string[];
    const listable = (key: string) => patterns.some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key));
    const day = Date.UTC(2026, 10, 23);
    const read = [
      stateKeys.snapshot('pipeline', day),
      stateKeys.buffer('pipeline', day, 'shardId-000000000000-4959'),
      stateKeys.late('pipeline', 'shardId-000000000000-4959'),
      ...COMPACTED_TABLES.map((t) => lakeKey(t, day, `111122223333-eu-west-1-pipeline-${DAY_OBJECT_NAME}`)),
    ];
    for (const key of read) expect(listable(key), key).toBe(true);
    // Nothing else: not quarantine (write-only), not another engine's state, not Athena results or reports.
    for (const key of [lakeKey('quarantine', day, 'x'), 'state/discovery/snapshot/1.json', 'athena-results/q.csv', 'reports/2026-11-23.html', 'endpoints']) {
      expect(listable(key), key).toBe(false);
    }
  });

  it('puts the daily OpenAPI exports under openapi/ and may not read, list or delete them', () => {
    expect(ANALYSIS_FUNCTIONS.find((f) => f.name === 'analyze')!.documents).toEqual([OPENAPI_PREFIX]);
    const onExports = permissions('analyze').filter((p) => p.resource === objectsOf(OPENAPI_PREFIX)).map((p) => p.action);
    expect(onExports).toEqual(['s3:PutObject']);
  });

  it('reads and reopens triage with calls its state-table grant already has (Query, GetItem, PutItem): no further grant', () => {
    const ddb = new Set(permissions('analyze').filter((p) => p.action.startsWith('dynamodb:')).map((p) => p.action));
    for (const a of ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem']) expect(ddb.has(a), a).toBe(true);
    expect(ddb.has('dynamodb:BatchGetItem')).toBe(false);
  });

  it('has no wildcard actions and no "*" resources in any role policy', () => {
    for (const f of stack.analysis.functions) {
      for (const p of permissions(f.spec.name)) {
        expect(p.action, `${f.spec.name} ${p.action}`).not.toMatch(/\*/);
        expect(p.resource, `${f.spec.name} ${p.action}`).not.toBe('"*"');
      }
    }
  });

  it('reads exactly the configured input documents, and cannot write to the stream', () => {
    const reads = permissions('analyze')
      .filter((p) => p.action === 's3:GetObject' && !p.resource.includes(id(stack.lake.bucket)))
      .map((p) => JSON.stringify(stack.resolve(JSON.parse(p.resource))));
    expect(reads).toHaveLength(4);
    for (const key of ['rules.yaml', 'openapi.yaml', 'reputation.json', 'overrides.yaml']) {
      expect(reads.filter((r) => r.includes(`:s3:::apiscope-config/${key}`)), key).toHaveLength(1);
    }
    expect(permissions('analyze').some((p) => p.action.startsWith('kinesis:Put'))).toBe(false);
  });

  it('reads no input document, and gets no input variable, when none is configured', () => {
    const minimal = templateOf({ apiscope: { logGroupNames: CONFIG.logGroupNames } });
    const fn = minimal.stack.analysis.byName.analyze;
    const mid = (c: IConstruct) => minimal.stack.getLogicalId((CfnElement.isCfnElement(c) ? c : c.node.defaultChild) as CfnElement);
    const perms = policyOf(minimal.template, mid(fn.role));
    expect(perms.filter((p) => p.action === 's3:GetObject' && !p.resource.includes(mid(minimal.stack.lake.bucket)))).toEqual([]);
    const env = minimal.template.toJSON().Resources[mid(fn.fn)].Properties.Environment.Variables;
    for (const v of [ENV.rulesUri, ENV.specUri, ENV.reputationUri, ENV.overridesUri]) expect(env).not.toHaveProperty(v);
  });

  it('may publish security alerts, never to the ops topic', () => {
    const alertTopic = JSON.stringify({ Ref: id(stack.alerts.alertTopic) });
    const opsTopic = JSON.stringify({ Ref: id(stack.alerts.opsTopic) });
    expect(can('analyze', 'sns:Publish', alertTopic)).toBe(true);
    expect(can('analyze', 'kms:GenerateDataKey', arnOf(stack.alerts.alertKey))).toBe(true);
    expect(can('analyze', 'sns:Publish', opsTopic)).toBe(false);
    expect(permissions('analyze').some((p) => p.resource === arnOf(stack.alerts.opsKey))).toBe(false);
  });

  it('uses the state table with exactly the item calls of the DynamoDB adapter, on the table only', () => {
    for (const f of stack.analysis.functions) {
      const ddb = permissions(f.spec.name).filter((p) => p.action.startsWith('dynamodb:'));
      expect(new Set(ddb.map((p) => p.resource))).toEqual(new Set([arnOf(stack.state.table)]));
      expect(ddb.map((p) => p.action).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
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
