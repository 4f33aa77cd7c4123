import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { AthenaClient } from '@aws-sdk/client-athena';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '../../shared/config/env.ts';
import { collectReportData } from '../../shared/report/reportQueries.ts';
import { renderReport } from '../../shared/report/renderReport.ts';
import { runAthenaQuery } from '../../adapters/athenaQueryRunner.ts';

const logger = new Logger({ serviceName: 'apiscope', persistentKeys: { fn: 'report' } });

export interface ReportDeps {
  athena: AthenaClient;
  s3: S3Client;
  sns: SNSClient;
  env: Record<string, string | undefined>;
  now: () => Date;
}

/** Yesterday (UTC): the schedule runs after midnight, once the day's last windows have closed. */
export function reportDay(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/** Scheduled daily: the report's queries through Athena, the HTML to `reports/<day>.html`, a summary to SNS. */
export async function runDailyReport(d: ReportDeps, day = reportDay(d.now())): Promise<{ key: string; day: string }> {
  const need = (k: string) => { const v = d.env[k]; if (!v) throw new Error(`environment variable ${k} is not set`); return v; };
  const workGroup = need(ENV.athenaWorkGroup), database = need(ENV.glueDatabase), bucket = need(ENV.bucket);
  const data = await collectReportData(day, (sql) => runAthenaQuery(d.athena, sql, { workGroup, database }), d.now().toISOString());
  const key = `reports/${day}.html`;
  await d.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: renderReport(data), ContentType: 'text/html; charset=utf-8' }));
  const topic = d.env[ENV.alertTopicArn];
  if (topic) {
    const s = data.summary[0] ?? {};
    await d.sns.send(new PublishCommand({
      TopicArn: topic,
      Subject: `[apiscope] daily report ${day}`,
      Message: JSON.stringify({ day, report: `s3://${bucket}/${key}`, endpoints: s.endpoints, newEndpoints: s.new_endpoints, openDefects: data.openDefects.length, riskyActors: s.risky_actors, topActors: data.riskyActors.slice(0, 5).map((a) => ({ actor: `${a.actor_type}:${a.actor}`, score: a.score, scenario: a.scenario })) }, null, 2),
    }));
  }
  logger.info('report written', { day, key });
  return { key, day };
}

const deps: ReportDeps = { athena: new AthenaClient({}), s3: new S3Client({}), sns: new SNSClient({}), env: process.env, now: () => new Date() };

export const handler = middy(async () => runDailyReport(deps)).use(injectLambdaContext(logger));
