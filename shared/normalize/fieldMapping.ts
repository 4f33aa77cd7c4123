import { z } from 'zod';
import { RECOMMENDED_KEYS, type RecommendedKey } from './accessLogFormat.ts';

/**
 * Existing APIs often log with other key names (`sourceIp`, `routeKey`, `responseTime`...). A field mapping
 * names, for each apiscope key, the key that holds it in the user's format. Keys left out default to the
 * recommended name. Validated so that a typo fails loudly at startup, not silently in the data.
 *
 * @example
 * const mapping = parseFieldMapping({ ip: 'sourceIp', resourcePath: 'routeKey' });
 */
export type FieldMapping = Record<RecommendedKey, string>;

const keySchema = z.enum(RECOMMENDED_KEYS);

export const fieldMappingSchema = z
  .record(z.string(), z.string().min(1, 'source key must not be empty').max(128))
  .superRefine((obj, ctx) => {
    for (const k of Object.keys(obj)) {
      if (!keySchema.safeParse(k).success) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `unknown apiscope field "${k}"; expected one of ${RECOMMENDED_KEYS.join(', ')}`,
        });
      }
    }
  });

export const DEFAULT_FIELD_MAPPING: FieldMapping = Object.fromEntries(RECOMMENDED_KEYS.map((k) => [k, k])) as FieldMapping;

export class FieldMappingError extends Error {
  override name = 'FieldMappingError';
}

/** Validates a partial mapping and fills the rest with the recommended key names. */
export function parseFieldMapping(input: unknown): FieldMapping {
  if (input === undefined || input === null) return DEFAULT_FIELD_MAPPING;
  const r = fieldMappingSchema.safeParse(input);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${['fieldMapping', ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new FieldMappingError(msg);
  }
  return { ...DEFAULT_FIELD_MAPPING, ...(r.data as Partial<FieldMapping>) };
}
