/**
 * Environment variables shared between the CDK stack (which sets them) and the functions (which read them).
 * The only place their names are spelled.
 */
export const ENV = {
  table: 'APISCOPE_TABLE',
  bucket: 'APISCOPE_BUCKET',
  alertTopicArn: 'APISCOPE_ALERT_TOPIC_ARN',
  minAlertSeverity: 'APISCOPE_MIN_ALERT_SEVERITY',
  windowMs: 'APISCOPE_WINDOW_MS',
  latenessMs: 'APISCOPE_LATENESS_MS',
  /** Shard count of the stream: windows wait for that many shards' watermarks. */
  shards: 'APISCOPE_SHARDS',
  /** Secret for keyed hashes of sensitive values (SSM SecureString name in AWS, value locally). */
  hashKeyParam: 'APISCOPE_HASH_KEY_PARAM',
  hashKey: 'APISCOPE_HASH_KEY',
  /** s3://bucket/key or file path of the custom defect rules (YAML/JSON). */
  rulesUri: 'APISCOPE_RULES_URI',
  /** s3://bucket/key or file path of an OpenAPI spec to compare against. */
  specUri: 'APISCOPE_SPEC_URI',
  /** s3://bucket/key or file path of discovery overrides (YAML/JSON). */
  overridesUri: 'APISCOPE_OVERRIDES_URI',
  /** s3://bucket/key or file path of IP reputation lists. */
  reputationUri: 'APISCOPE_REPUTATION_URI',
  /** Athena workgroup and Glue database of the findings tables (report and findings API). */
  athenaWorkGroup: 'APISCOPE_ATHENA_WORKGROUP',
  glueDatabase: 'APISCOPE_GLUE_DATABASE',
  /**
   * Names this deployment in findings object names (`<account>-<region>`), so that the lakes of several
   * deployments can replicate into one central bucket without overwriting each other.
   */
  deploymentId: 'APISCOPE_DEPLOYMENT_ID',
  /** JSON of the ticket connector settings (shared/tickets/config.ts); absent when no connector is configured. */
  tickets: 'APISCOPE_TICKETS',
  /** ARN of the Secrets Manager secret holding the ticket connector's credentials (the value is never in env). */
  ticketsSecretArn: 'APISCOPE_TICKETS_SECRET_ARN',
  /** JSON field mapping for non-standard access-log formats. */
  fieldMapping: 'APISCOPE_FIELD_MAPPING',
} as const;

export type EnvKey = keyof typeof ENV;
