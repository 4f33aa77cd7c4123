import { z } from 'zod';
import { DiscoveryOverridesError } from './errors.ts';
import { isParamSegment } from './knownTemplates.ts';
import { splitPath } from './pathTrie.ts';

const template = z
  .string({ error: 'must be a path template string' })
  .min(1, 'must not be empty')
  .refine((s) => s.startsWith('/'), 'must start with "/"')
  .refine((s) => !s.includes('?'), 'must not hold a query string');

const scope = { domainName: z.string().min(1).optional(), method: z.string().min(1).transform((m) => m.toUpperCase()).optional() };

/**
 * Operator decisions that survive re-inference:
 * - `literals`: templates whose literal segments stay literal (`/users/me` next to `/users/{id}`);
 * - `params`: templates whose `{name}` positions are parameters (`/repos/{owner}/{repo}`);
 * - `merges`: endpoints reported as one (`from` templates into `into`);
 * - `splits`: a template replaced by more specific ones (`/v1/{x}` into `/v1/users`, `/v1/groups`).
 */
export const discoveryOverridesSchema = z
  .object({
    literals: z.array(z.object({ ...scope, template }).strict()).default([]),
    params: z.array(z.object({ ...scope, template }).strict()).default([]),
    merges: z.array(z.object({ ...scope, from: z.array(template).min(1, 'needs at least one template'), into: template }).strict()).default([]),
    splits: z.array(z.object({ ...scope, template, into: z.array(template).min(1, 'needs at least one template') }).strict()).default([]),
  })
  .strict();

export type DiscoveryOverrides = z.input<typeof discoveryOverridesSchema>;
export type ParsedOverrides = z.output<typeof discoveryOverridesSchema>;

/**
 * Validates an overrides object (parsed from JSON or YAML).
 *
 * @example
 * parseOverrides({ literals: [{ template: '/users/me' }], params: [{ template: '/repos/{owner}/{repo}' }] });
 */
export function parseOverrides(input: unknown): ParsedOverrides {
  const r = discoveryOverridesSchema.safeParse(input ?? {});
  if (!r.success) {
    const msg = r.error.issues.map((i) => `overrides${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`).join('; ');
    throw new DiscoveryOverridesError(msg);
  }
  return r.data;
}

/** Generalized position key of the first `n` segments of a template: `/repos/{}/{}`. */
export function positionKey(segs: readonly string[], n: number): string {
  let k = '';
  for (let i = 0; i < n; i++) k += '/' + (isParamSegment(segs[i]) ? '{}' : segs[i]);
  return k || '/';
}

export interface OverrideHints {
  forcedParams: Set<string>;
  pinnedLiterals: Set<string>;
}

/** Turns overrides into inference hints for one domain. */
export function overrideHints(o: ParsedOverrides, domainName: string): OverrideHints {
  const forcedParams = new Set<string>();
  const pinnedLiterals = new Set<string>();
  const applies = (d?: string) => !d || d === domainName;
  const pin = (t: string) => {
    const segs = splitPath(t);
    for (let i = 0; i < segs.length; i++) {
      const k = positionKey(segs, i);
      if (isParamSegment(segs[i])) forcedParams.add(k);
      else pinnedLiterals.add(k + '\u0000' + segs[i]);
    }
  };
  for (const l of o.literals) if (applies(l.domainName)) pin(l.template);
  for (const s of o.splits) if (applies(s.domainName)) for (const t of s.into) pin(t);
  for (const p of o.params) {
    if (!applies(p.domainName)) continue;
    const segs = splitPath(p.template);
    for (let i = 0; i < segs.length; i++) if (isParamSegment(segs[i])) forcedParams.add(positionKey(segs, i));
  }
  return { forcedParams, pinnedLiterals };
}
