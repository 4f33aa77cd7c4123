import { z } from 'zod';
import { ENV } from './env.ts';
import { MIN_HASH_KEY_LENGTH } from './hashKey.ts';
import { parseFieldMapping, type FieldMapping } from '../normalize/fieldMapping.ts';

const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);

const schema = z.object({
  [ENV.table]: z.string().min(1, 'the DynamoDB state table name is required'),
  [ENV.bucket]: z.string().min(1, 'the findings bucket name is required'),
  [ENV.alertTopicArn]: z.string().optional(),
  [ENV.minAlertSeverity]: severity.default('high'),
  [ENV.windowMs]: z.coerce.number().int().min(60_000).max(3_600_000).default(300_000),
  [ENV.latenessMs]: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  [ENV.shards]: z.coerce.number().int().min(1).max(1000).default(1),
  [ENV.hashKey]: z.string().min(MIN_HASH_KEY_LENGTH, `the hash key must be at least ${MIN_HASH_KEY_LENGTH} characters`).optional(),
  [ENV.rulesUri]: z.string().optional(),
  [ENV.specUri]: z.string().optional(),
  [ENV.reputationUri]: z.string().optional(),
  [ENV.overridesUri]: z.string().optional(),
  [ENV.fieldMapping]: z.string().optional(),
  [ENV.deploymentId]: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'letters, digits and dashes only').optional(),
});

export interface RuntimeConfig {
  table: string;
  bucket: string;
  alertTopicArn?: string;
  minAlertSeverity: z.infer<typeof severity>;
  windowMs: number;
  latenessMs: number;
  shards: number;
  /** `APISCOPE_HASH_KEY` as given (local runs); the key a function uses is decided by resolveHashKey (hashKey.ts). */
  hashKey?: string;
  rulesUri?: string;
  specUri?: string;
  reputationUri?: string;
  overridesUri?: string;
  fieldMapping: FieldMapping;
  deploymentId?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the functions' configuration from environment variables (set by the CDK stack) and says exactly
 * which variable is wrong.
 *
 * @example
 * const cfg = loadRuntimeConfig(process.env);
 */
export function loadRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  const r = schema.safeParse(Object.fromEntries(Object.values(ENV).map((k) => [k, env[k] === '' ? undefined : env[k]])));
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const d = r.data as Record<string, any>;
  let mapping: FieldMapping;
  try {
    mapping = parseFieldMapping(d[ENV.fieldMapping] ? JSON.parse(d[ENV.fieldMapping]) : undefined);
  } catch (e) {
    throw new ConfigError(`${ENV.fieldMapping}: ${(e as Error).message}`);
  }
  return {
    table: d[ENV.table],
    bucket: d[ENV.bucket],
    alertTopicArn: d[ENV.alertTopicArn],
    minAlertSeverity: d[ENV.minAlertSeverity],
    windowMs: d[ENV.windowMs],
    latenessMs: d[ENV.latenessMs],
    shards: d[ENV.shards],
    hashKey: d[ENV.hashKey],
    rulesUri: d[ENV.rulesUri],
    specUri: d[ENV.specUri],
    reputationUri: d[ENV.reputationUri],
    overridesUri: d[ENV.overridesUri],
    fieldMapping: mapping,
    deploymentId: d[ENV.deploymentId],
  };
}
