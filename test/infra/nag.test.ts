import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { nagFindings, type Report } from './nagFindings.ts';
import { buildTestApp } from './synth.ts';

const FULL = {
  logGroupNames: ['/aws/apigateway/orders-access', 'API-Gateway-Access-Logs_payments/prod'],
  createDemoApi: true,
  alertEmail: 'soc@bank.example',
  opsEmail: 'oncall@bank.example',
  rulesUri: 's3://apiscope-config/rules.yaml',
  specUri: 's3://apiscope-config/openapi.yaml',
  reputationUri: 's3://apiscope-config/reputation.json',
  tickets: { connector: 'jira', baseUrl: 'https://bank.atlassian.net', project: 'SEC' },
};
const MINIMAL = { logGroupNames: ['/aws/apigateway/orders-access'] };
const WITH_CENTRAL = {
  ...MINIMAL,
  centralBucketArn: 'arn:aws:s3:::apiscope-central-findings',
  centralKmsKeyArn: 'arn:aws:kms:eu-west-1:999900001111:key/0b5e7c3a-1111-2222-3333-444455556666',
  centralAccountId: '999900001111',
  central: { sourceAccountIds: ['111122223333'] },
};

describe('cdk-nag AwsSolutions', () => {
  it('has zero findings with every option on, including the CDK CloudFormation schema validation', () => {
    const { findings } = nagFindings({ ...WITH_CENTRAL, ...FULL }, true);
    expect(findings).toEqual([]);
  });

  it.each([
    ['every regional option on', FULL],
    ['minimal config', MINIMAL],
    ['replication to and the central stack', WITH_CENTRAL],
  ])('has zero unacknowledged findings (%s)', (_name, config) => {
    const { findings } = nagFindings(config);
    expect(findings).toEqual([]);
  });

  it('has zero findings with a concrete account and region, as under the CDK CLI', () => {
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    process.env.CDK_DEFAULT_ACCOUNT = '111122223333';
    process.env.CDK_DEFAULT_REGION = 'eu-central-1';
    try {
      expect(nagFindings({ ...WITH_CENTRAL, ...FULL }).findings).toEqual([]);
    } finally {
      for (const [k, v] of [['CDK_DEFAULT_ACCOUNT', saved.account], ['CDK_DEFAULT_REGION', saved.region]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('gives every acknowledgement a specific reason', () => {
    const { acknowledgements } = nagFindings(FULL);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [where, reason] of acknowledgements) {
      expect(reason.length, where).toBeGreaterThan(60);
      expect(reason, where).not.toMatch(/\b(TODO|FIXME|not needed|n\/a|ok)\b/i);
    }
  });

  it('reports a violation when a security property is removed (the check is live)', () => {
    const { app, outdir } = buildTestApp({ apiscope: MINIMAL }, { nag: true });
    const table = app.node.findAll().find((c) => c.node.path.endsWith('State/Table/Resource')) as CfnTable;
    table.pointInTimeRecoverySpecification = undefined;
    expect(() => app.synth()).toThrow();
    const report: Report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((p) => p.violations.map((v) => v.ruleName))).toContain('AwsSolutions-DDB3');
  });
});
