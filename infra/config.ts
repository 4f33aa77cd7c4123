import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { fieldMappingSchema } from '../shared/normalize/fieldMapping.ts';
import { ticketsConfigSchema } from '../shared/tickets/config.ts';

/**
 * The one typed configuration of an apiscope deployment. Read from a JSON file (context `configFile`), then from
 * the context object `apiscope` (cdk.json), then from single context keys (`-c shardCount=2`), later sources
 * overriding earlier ones. Validated with zod so that a typo fails `cdk synth` with a message saying what to fix.
 *
 * @example
 * // npx cdk deploy -c configFile=config/prod.json
 * const config = loadConfig((key) => app.node.tryGetContext(key));
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

const s3Uri = z
  .string()
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+[^/]$/, 'must be an object URI like s3://my-bucket/path/file.yaml');

/** CloudWatch Logs group name rules (1-512 chars of [.-_/#A-Za-z0-9]). */
const logGroupName = z
  .string()
  .regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, 'must be a CloudWatch Logs group name, e.g. API-Gateway-Execution-Logs_abc123/prod or /aws/apigateway/orders-access');

/** An https origin with a path (where Cognito may send the browser back after sign-in). */
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL, e.g. https://console.bank.example/' });

export const consoleConfigSchema = z
  .object({
    enabled: z.boolean('must be true or false').default(false),
    /** `required`: every user sets up an authenticator app at first sign-in; `optional`: each user chooses. */
    mfa: z.enum(['required', 'optional'], 'must be required or optional').default('required'),
    /**
     * More places the console is served from (a custom domain in front of the distribution): sign-in may
     * return there and the API accepts calls from their origins. The distribution's own URL is always allowed.
     */
    callbackUrls: z.array(httpsUrl).max(10, 'at most 10 URLs').default([]),
    /** Prefix of the Cognito hosted sign-in domain (<prefix>.auth.<region>.amazoncognito.com); globally unique. */
    domainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be 1-63 lowercase letters, digits and hyphens, e.g. bank-apiscope')
      .refine((s) => !/aws|amazon|cognito/.test(s), 'must not contain aws, amazon or cognito (Cognito refuses them)')
      .optional(),
    /** Cognito threat protection (compromised credentials, adaptive authentication): needs the Plus feature plan. */
    threatProtection: z.boolean('must be true or false').default(true),
    /** AWS WAF web ACL (scope CLOUDFRONT, created in us-east-1) to attach to the distribution. */
    webAclArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[0-9a-f-]{36}$/, 'must be a global (CLOUDFRONT) WAFv2 web ACL ARN in us-east-1')
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Kinesis shards: 1 shard takes 1 MB/s or 1000 records/s of CloudWatch Logs payloads. */
    shardCount: z.number('must be a number of shards, e.g. 2').int('must be a whole number').min(1, 'must be 1-200 shards').max(200, 'must be 1-200 shards').default(1),
    /** Existing API Gateway access-log groups (same account and region) to analyse. */
    logGroupNames: z.array(logGroupName).max(50).default([]),
    /** Create a small mock REST API that logs in the recommended format, to try apiscope without an API. */
    createDemoApi: z.boolean().default(false),
    /** E-mail address subscribed to the alert topic (confirm the subscription mail after deploy). */
    alertEmail: z.email('must be an e-mail address, e.g. secops@bank.example').optional(),
    /**
     * The alert e-mail also gets `defect_resolved` notices (a defect the traffic no longer shows). Off by default:
     * they are for ticket systems, and a SOC inbox wants what needs doing.
     */
    alertEmailResolutions: z.boolean('must be true or false').default(false),
    /** E-mail address subscribed to the operations topic (pipeline-health alarms). */
    opsEmail: z.email('must be an e-mail address, e.g. oncall@bank.example').optional(),
    /** Alerts below this severity are recorded in the lake but not published. */
    minAlertSeverity: z.enum(SEVERITIES).default('high'),
    /** Days findings stay in the lake (and the functions' logs are kept, rounded up). */
    retentionDays: z.number('must be a number of days, e.g. 400').int('must be a whole number').min(1, 'must be 1-3650 days').max(3650, 'must be 1-3650 days').default(400),
    /** Days AWS Backup keeps each daily recovery point of the state table and the findings bucket. */
    backupRetentionDays: z
      .number('must be a number of days, e.g. 35')
      .int('must be a whole number')
      .min(1, 'must be 1-36500 days (AWS Backup keeps a recovery point at least one day)')
      .max(36500, 'must be 1-36500 days (AWS Backup keeps a recovery point at most 100 years)')
      .default(35),
    /** Custom defect rules (YAML/JSON), read by the analyze function (defect checks). */
    rulesUri: s3Uri.optional(),
    /** OpenAPI spec to compare observed traffic with, read by the analyze function (discovery and defect checks). */
    specUri: s3Uri.optional(),
    /** IP reputation lists, read by the analyze function (caller scoring). */
    reputationUri: s3Uri.optional(),
    /** Discovery overrides (pin a literal, force a parameter, merge, split), read by the analyze function (discovery). */
    overridesUri: s3Uri.optional(),
    /** Key names of a non-standard access-log format; see shared/normalize/fieldMapping.ts. */
    fieldMapping: fieldMappingSchema.optional(),
    /** Bucket of the central findings account; when set, findings are replicated there. */
    centralBucketArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket ARN like arn:aws:s3:::apiscope-central-findings')
      .optional(),
    /** KMS key of the central bucket (required with centralBucketArn: replicas are re-encrypted with it). */
    centralKmsKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, 'must be a KMS key ARN like arn:aws:kms:eu-west-1:111122223333:key/<uuid>')
      .optional(),
    /** Account id owning the central bucket (required with centralBucketArn). */
    centralAccountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    /**
     * Deploy the central findings stack (in the central account): a lake that accepts replicas from the
     * regional deployments of these accounts, with one Glue catalog and Athena workgroup over all of them.
     */
    central: z
      .object({
        sourceAccountIds: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id')).min(1, 'list at least one source account'),
      })
      .strict()
      .optional(),
    /**
     * Ticket connector (Jira Cloud, TAPD, GitHub Issues or a signed webhook): defects at or above minSeverity open
     * a ticket, resolved ones close it. Its credentials go into the secret the stack creates (TicketsSecretArn).
     */
    tickets: ticketsConfigSchema.optional(),
    /** The web console: S3 + CloudFront, Cognito sign-in, calls to the findings API with the signed-in user's IAM credentials. */
    console: consoleConfigSchema.optional(),
    /** SSM SecureString parameter holding the key for hashing sensitive values (create it before deploying). */
    hashKeyParameterName: z
      .string()
      .regex(/^\/[A-Za-z0-9_.\-/]{1,1000}$/, 'must be an SSM parameter name starting with /, e.g. /apiscope/hash-key')
      .default('/apiscope/hash-key'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.logGroupNames.length === 0 && !c.createDemoApi && !c.central) {
      ctx.addIssue({
        code: 'custom',
        path: ['logGroupNames'],
        message: 'nothing to analyse: list at least one access-log group in logGroupNames, or set createDemoApi to true (or only deploy the central stack with central.sourceAccountIds)',
      });
    }
    if (new Set(c.logGroupNames).size !== c.logGroupNames.length) {
      ctx.addIssue({ code: 'custom', path: ['logGroupNames'], message: 'contains the same log group twice' });
    }
    if (c.centralBucketArn && (!c.centralKmsKeyArn || !c.centralAccountId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['centralBucketArn'],
        message: 'replicating to a central bucket also needs centralKmsKeyArn and centralAccountId',
      });
    }
  });

export type ApiscopeConfig = z.output<typeof configSchema>;
export type ApiscopeConfigInput = z.input<typeof configSchema>;

/** Raised when the configuration is invalid; the message lists every problem and where it came from. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Option names, so that single context keys (`-c shardCount=2`) can be picked up. */
export const CONFIG_KEYS = Object.keys(configSchema.shape) as Array<keyof ApiscopeConfigInput>;

/** Context values given on the command line are strings; read `2`, `true` and `["a"]` as JSON. */
function fromCli(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Builds the config from CDK context: `configFile` (JSON, path relative to the working directory), then the
 * `apiscope` context object, then single context keys. Throws {@link ConfigError} with every problem listed.
 *
 * @example
 * const config = loadConfig((key) => app.node.tryGetContext(key));
 */
export function loadConfig(getContext: (key: string) => unknown): ApiscopeConfig {
  const sources: string[] = [];
  let merged: Record<string, unknown> = {};
  const configFile = getContext('configFile');
  if (typeof configFile === 'string' && configFile !== '') {
    const path = resolve(configFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError(`Cannot read apiscope config file ${path} (context configFile): ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`apiscope config file ${path} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`apiscope config file ${path} must hold a JSON object`);
    }
    merged = { ...(parsed as Record<string, unknown>) };
    sources.push(path);
  }
  const inline = fromCli(getContext('apiscope'));
  if (inline !== undefined) {
    if (typeof inline !== 'object' || inline === null || Array.isArray(inline)) {
      throw new ConfigError('context "apiscope" must be an object of apiscope options');
    }
    merged = { ...merged, ...(inline as Record<string, unknown>) };
    sources.push('context "apiscope"');
  }
  for (const key of CONFIG_KEYS) {
    const v = getContext(key);
    if (v !== undefined) {
      merged[key] = fromCli(v);
      sources.push(`context "${key}"`);
    }
  }
  return parseConfig(merged, sources.length ? sources.join(', ') : 'no config given');
}

/** Validates a plain object; `source` names where it came from in the error message. */
export function parseConfig(input: unknown, source = 'config'): ApiscopeConfig {
  const r = configSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = i.path.length ? i.path.join('.') : '(root)';
    const detail = i.code === 'unrecognized_keys' ? `${i.message}; known options: ${CONFIG_KEYS.join(', ')}` : i.message;
    return `  - ${path}: ${detail}`;
  });
  throw new ConfigError(`Invalid apiscope configuration (${source}):\n${lines.join('\n')}\nFix these and run again; see infra/README.md for every option.`);
}
