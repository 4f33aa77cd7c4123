import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ApiscopeConfig } from './config.ts';
import { Alerts } from './constructs/alerts.ts';
import { Backups } from './constructs/backups.ts';
import { ConsoleSite } from './constructs/console.ts';
import { AnalysisFunctions } from './constructs/analysisFunctions.ts';
import { type CodeLocation, hasEntry } from './constructs/apiscopeFunction.ts';
import { DailyReport } from './constructs/dailyReport.ts';
import { FindingsApi } from './constructs/findingsApi.ts';
import { FindingsLake } from './constructs/findingsLake.ts';
import { IngestStream } from './constructs/ingestStream.ts';
import { Observability } from './constructs/observability.ts';
import { StateTable } from './constructs/stateTable.ts';
import { Ticketing } from './constructs/ticketing.ts';

export interface ApiscopeStackProps extends StackProps {
  readonly config: ApiscopeConfig;
  readonly code: CodeLocation;
}

/**
 * One regional apiscope deployment: access logs -> Kinesis -> analyze (discovery, defects and scoring in one
 * pipeline) -> state table, findings lake (Glue + Athena) and alerts, with a dashboard and alarms. Each concern
 * is one construct.
 *
 * @example
 * new ApiscopeStack(app, 'Apiscope', { config: loadConfig((k) => app.node.tryGetContext(k)), code });
 */
export class ApiscopeStack extends Stack {
  readonly ingest: IngestStream;
  readonly state: StateTable;
  readonly lake: FindingsLake;
  readonly alerts: Alerts;
  readonly backups: Backups;
  readonly analysis: AnalysisFunctions;
  readonly observability: Observability;
  /** Deployed when functions/report/index.ts exists. */
  readonly report?: DailyReport;
  /** Deployed with the `tickets` option when functions/tickets/index.ts exists. */
  readonly ticketing?: Ticketing;
  /** Deployed when functions/api/index.ts exists. */
  readonly findingsApi?: FindingsApi;
  /** Deployed with `console.enabled` (it calls the findings API, so only with it). */
  readonly console?: ConsoleSite;
  /** Optional functions left out because their entry file does not exist yet. */
  readonly skippedFunctions: string[] = [];

  constructor(scope: Construct, id: string, props: ApiscopeStackProps) {
    super(scope, id, { description: 'apiscope: API security analysis of API Gateway access logs', ...props });
    const { config } = props;

    this.ingest = new IngestStream(this, 'Ingest', {
      shardCount: config.shardCount,
      logGroupNames: config.logGroupNames,
      createDemoApi: config.createDemoApi,
      retentionDays: config.retentionDays,
    });
    this.state = new StateTable(this, 'State');
    this.lake = new FindingsLake(this, 'Lake', {
      retentionDays: config.retentionDays,
      central:
        config.centralBucketArn && config.centralKmsKeyArn && config.centralAccountId
          ? { bucketArn: config.centralBucketArn, kmsKeyArn: config.centralKmsKeyArn, accountId: config.centralAccountId }
          : undefined,
    });
    this.backups = new Backups(this, 'Backups', { retentionDays: config.backupRetentionDays, table: this.state.table, bucket: this.lake.bucket });
    this.alerts = new Alerts(this, 'Alerts', { alertEmail: config.alertEmail, alertEmailResolutions: config.alertEmailResolutions, opsEmail: config.opsEmail });
    this.analysis = new AnalysisFunctions(this, 'Analysis', {
      config,
      code: props.code,
      stream: this.ingest.stream,
      state: this.state,
      lake: this.lake,
      alerts: this.alerts,
    });
    this.observability = new Observability(this, 'Observability', {
      stream: this.ingest.stream,
      functions: this.analysis.functions,
      opsTopic: this.alerts.opsTopic,
    });

    if (hasEntry(props.code, 'report')) {
      this.report = new DailyReport(this, 'Report', { config, code: props.code, lake: this.lake, alerts: this.alerts, opsTopic: this.alerts.opsTopic });
    } else this.skippedFunctions.push('report');
    if (config.tickets && hasEntry(props.code, 'tickets')) {
      this.ticketing = new Ticketing(this, 'Tickets', { config, tickets: config.tickets, code: props.code, state: this.state, alerts: this.alerts });
      new CfnOutput(this, 'TicketsSecretArn', { value: this.ticketing.secret.secretArn, description: 'put the ticket connector credentials here (JSON, see infra/README.md)' });
      new CfnOutput(this, 'TicketsDeadLetterQueueUrl', { value: this.ticketing.deadLetters.queueUrl });
    } else if (config.tickets) this.skippedFunctions.push('tickets');
    if (hasEntry(props.code, 'api')) {
      this.findingsApi = new FindingsApi(this, 'FindingsApi', { config, code: props.code, lake: this.lake, opsTopic: this.alerts.opsTopic, state: this.state, ticketing: this.ticketing });
      new CfnOutput(this, 'FindingsApiUrl', { value: this.findingsApi.stage.url });
      new CfnOutput(this, 'FindingsApiReaderPolicyArn', { value: this.findingsApi.readerPolicy.managedPolicyArn });
      new CfnOutput(this, 'FindingsApiTriagerPolicyArn', { value: this.findingsApi.triagerPolicy.managedPolicyArn });
    } else this.skippedFunctions.push('api');
    if (config.console?.enabled && this.findingsApi) {
      this.console = new ConsoleSite(this, 'Console', { config: config.console, api: this.findingsApi, retentionDays: config.retentionDays, ticketsConfigured: !!this.ticketing, projectRoot: props.code.projectRoot });
    } else if (config.console?.enabled) this.skippedFunctions.push('console');

    new CfnOutput(this, 'StreamName', { value: this.ingest.stream.streamName });
    new CfnOutput(this, 'FindingsBucket', { value: this.lake.bucket.bucketName });
    new CfnOutput(this, 'GlueDatabase', { value: this.lake.databaseName });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.lake.workGroup.ref });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerts.alertTopic.topicArn });
    new CfnOutput(this, 'OpsTopicArn', { value: this.alerts.opsTopic.topicArn });
    new CfnOutput(this, 'BackupVaultName', { value: this.backups.vault.backupVaultName });
    new CfnOutput(this, 'BackupRoleArn', { value: this.backups.role.roleArn, description: 'the role to pass to aws backup start-restore-job' });
    if (this.ingest.demoApi) new CfnOutput(this, 'DemoApiUrl', { value: this.ingest.demoApi.stage.url });
  }
}
