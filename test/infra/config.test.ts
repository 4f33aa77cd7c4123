import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp, REPO_ROOT } from '../../infra/apiscopeApp.ts';
import { ConfigError, loadConfig, parseConfig } from '../../infra/config.ts';

const fromObject = (ctx: Record<string, unknown>) => loadConfig((k) => ctx[k]);
const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('fills defaults for a minimal config', () => {
    expect(parseConfig({ logGroupNames: ['/aws/apigateway/orders'] })).toEqual({
      shardCount: 1,
      logGroupNames: ['/aws/apigateway/orders'],
      createDemoApi: false,
      alertEmailResolutions: false,
      minAlertSeverity: 'high',
      retentionDays: 400,
      backupRetentionDays: 35,
      hashKeyParameterName: '/apiscope/hash-key',
    });
  });

  it('lists every problem with the option name and what is expected', () => {
    const e = errorOf(() =>
      parseConfig({ shardCount: 0, alertEmail: 'not-an-email', rulesUri: 'https://x/rules.yaml', minAlertSeverity: 'urgent', colour: 'red' }),
    );
    expect(e.message).toMatch(/Invalid apiscope configuration/);
    expect(e.message).toMatch(/shardCount: must be 1-200 shards/);
    expect(e.message).toMatch(/alertEmail: must be an e-mail address/);
    expect(e.message).toMatch(/rulesUri: must be an object URI like s3:\/\//);
    expect(e.message).toMatch(/minAlertSeverity: .*"info"/);
    expect(e.message).toMatch(/Unrecognized key: "colour".*known options: shardCount/);
    expect(e.message).toMatch(/see infra\/README.md/);
  });

  it('asks for something to analyse', () => {
    expect(errorOf(() => parseConfig({})).message).toMatch(/logGroupNames: nothing to analyse: list at least one access-log group/);
    expect(errorOf(() => parseConfig({ logGroupNames: ['/a', '/a'] })).message).toMatch(/same log group twice/);
  });

  it('rejects an unknown field in fieldMapping and a central bucket without its key', () => {
    const e = errorOf(() =>
      parseConfig({ createDemoApi: true, fieldMapping: { sourceIp: 'ip' }, centralBucketArn: 'arn:aws:s3:::central-findings' }),
    );
    expect(e.message).toMatch(/fieldMapping.sourceIp: unknown apiscope field "sourceIp"/);
    expect(e.message).toMatch(/centralBucketArn: replicating to a central bucket also needs centralKmsKeyArn and centralAccountId/);
  });

  it('reads a JSON file, then the apiscope context object, then single context keys given as CLI strings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apiscope-config-'));
    const file = join(dir, 'prod.json');
    writeFileSync(file, JSON.stringify({ logGroupNames: ['/a/one'], shardCount: 4, retentionDays: 30 }));
    const config = fromObject({ configFile: file, apiscope: { retentionDays: 60 }, shardCount: '2', createDemoApi: 'true' });
    expect(config).toMatchObject({ logGroupNames: ['/a/one'], shardCount: 2, retentionDays: 60, createDemoApi: true });
  });

  it('names the file when it is missing or not JSON', () => {
    expect(errorOf(() => fromObject({ configFile: '/nonexistent/apiscope.json' })).message).toMatch(
      /Cannot read apiscope config file \/nonexistent\/apiscope.json/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'apiscope-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ "shardCount": 1, }');
    expect(errorOf(() => fromObject({ configFile: join(dir, 'bad.json') })).message).toMatch(/is not valid JSON/);
    const e = errorOf(() => fromObject({ shardCount: 'two', createDemoApi: true }));
    expect(e.message).toMatch(/context "shardCount"/);
    expect(e.message).toMatch(/shardCount: must be a number of shards/);
  });

  it('defaults `cdk synth` without a configFile to the demo config', () => {
    const { configFile } = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
    const config = fromObject({ configFile: join(REPO_ROOT, configFile) });
    expect(config).toMatchObject({ createDemoApi: true, logGroupNames: [] });
  });

  it('fails the app build before any resource is created', () => {
    const app = new App({ context: { apiscope: { shardCount: -1 } } });
    expect(() => buildApp(app, { nag: false })).toThrow(ConfigError);
    expect(app.node.children).toHaveLength(0);
  });

  it('makes `cdk synth` (the app entry point) exit 1 with the message', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'apiscope-out-')),
        CDK_CONTEXT_JSON: JSON.stringify({ apiscope: { logGroupNames: [], alertEmail: 'ops' } }),
      },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Invalid apiscope configuration/);
    expect(r.stderr).toMatch(/alertEmail: must be an e-mail address/);
    expect(r.stderr).toMatch(/logGroupNames: nothing to analyse/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
