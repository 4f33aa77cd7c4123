import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { provision } from '../../local/provision.ts';
import { createClients } from '../../adapters/awsClients.ts';
import { runDailyReport, reportDay } from '../../functions/report/index.ts';

describe('daily report function (S3 on s3rver; Athena and SNS mocked: no emulator exists)', () => {
  let emu: Emulators;
  beforeAll(async () => { emu = await startEmulators(); });
  afterAll(async () => emu?.stop());

  it('runs the report queries through Athena, writes reports/<day>.html and mails a summary', async () => {
    const c = createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await provision(c, { table: 'apiscope-state', bucket: 'apiscope-findings', stream: 'apiscope-logs', shards: 1 });
    const athena = mockClient(AthenaClient);
    const sqls: string[] = [];
    athena.on(StartQueryExecutionCommand).callsFake((i) => { sqls.push(i.QueryString); return { QueryExecutionId: `q${sqls.length}` }; });
    athena.on(GetQueryExecutionCommand).resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } }).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const table = (cols: string[], rows: string[][]) => ({ ResultSet: { Rows: [cols, ...rows].map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) })) } });
    athena.on(GetQueryResultsCommand).callsFake((i) => {
      const sql = sqls[Number(i.QueryExecutionId.slice(1)) - 1];
      if (sql.includes('AS risky_actors')) return table(['endpoints', 'new_endpoints', 'defects', 'risky_actors'], [['12', '2', '3', '1']]);
      if (sql.includes('max_by(evidence')) return table(['actor_type', 'actor', 'score', 'scenario', 'severity', 'first_seen', 'last_seen', 'windows', 'evidence'], [['ip', '192.0.2.66', '91', 'bola_enumeration', 'high', '2026-11-23T09:35:00.000Z', '2026-11-23T09:45:00.000Z', '2', '{"distinctIds":400}']]);
      return table(['x'], []);
    });
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({});
    const env = { APISCOPE_ATHENA_WORKGROUP: 'apiscope', APISCOPE_GLUE_DATABASE: 'apiscope', APISCOPE_BUCKET: 'apiscope-findings', APISCOPE_ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:0:alerts' };
    const now = () => new Date('2026-11-24T06:00:00Z');
    const r = await runDailyReport({ athena: new AthenaClient({ region: 'us-east-1' }), s3: c.s3, sns: new SNSClient({ region: 'us-east-1' }), env, now });
    expect(r).toEqual({ key: 'reports/2026-11-23.html', day: '2026-11-23' });
    expect(reportDay(now())).toBe('2026-11-23');
    expect(sqls.every((s) => !s.includes('{day}'))).toBe(true);
    const html = await (await c.s3.send(new GetObjectCommand({ Bucket: 'apiscope-findings', Key: r.key }))).Body!.transformToString();
    expect(html).toContain('192.0.2.66');
    expect(html).toContain('distinctIds: 400');
    const msg = JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!);
    expect(msg).toMatchObject({ day: '2026-11-23', riskyActors: '1', topActors: [{ actor: 'ip:192.0.2.66', scenario: 'bola_enumeration' }] });
    athena.restore();
    sns.restore();
  });
});
