import YAML from 'yaml';
import { z } from 'zod';
import { CidrSet } from './cidr.ts';
import { IpListsError } from './errors.ts';
import type { IpLists, ScoringOptions } from './types.ts';

const LABELS = ['allow', 'deny', 'tor', 'proxy', 'datacenter', 'crawler'] as const;

const schema = z.object({
  allow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
  tor: z.array(z.string()).optional(),
  proxy: z.array(z.string()).optional(),
  datacenter: z.array(z.string()).optional(),
  crawler: z.array(z.string()).optional(),
  replaceDefaults: z.boolean().optional(),
  allowPrincipals: z.array(z.string()).optional(),
  allowApiKeys: z.array(z.string()).optional(),
}).strict();

/**
 * Reads the operator's reputation / allow-list document: YAML or JSON with lists per label, or plain lines
 * `<label> <cidr>` (`#` comments). Every CIDR is validated.
 * @example
 * parseIpLists('allow 198.51.100.7\ntor 203.0.113.0/24')
 * // { ipLists: { allow: ['198.51.100.7'], tor: ['203.0.113.0/24'] } }
 */
export function parseIpLists(text: string): Pick<ScoringOptions, 'ipLists' | 'replaceDefaultIpLists' | 'allowPrincipals' | 'allowApiKeys'> {
  const trimmed = text.trim();
  let doc: z.infer<typeof schema>;
  if (/^(allow|deny|tor|proxy|datacenter|crawler)\s+\S+/m.test(trimmed) && !/^\s*\w+\s*:/m.test(trimmed)) {
    const lists: Record<string, string[]> = {};
    trimmed.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const [label, cidr, extra] = line.split(/\s+/);
      if (!LABELS.includes(label as (typeof LABELS)[number]) || !cidr || extra) throw new IpListsError(`line ${i + 1} "${line}": expected "<${LABELS.join('|')}> <cidr>"`);
      (lists[label] ??= []).push(cidr);
    });
    doc = lists;
  } else {
    let parsed: unknown;
    try { parsed = YAML.parse(trimmed); } catch (e) { throw new IpListsError(`not YAML/JSON: ${(e as Error).message}`); }
    const r = schema.safeParse(parsed ?? {});
    if (!r.success) throw new IpListsError(r.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; '));
    doc = r.data;
  }
  const ipLists: IpLists = {};
  for (const label of LABELS) {
    const xs = doc[label];
    if (!xs?.length) continue;
    const check = new CidrSet();
    for (const c of xs) { try { check.add(label, c); } catch { throw new IpListsError(`${label}: "${c}" is not an IPv4/IPv6 address or CIDR`); } }
    ipLists[label] = xs;
  }
  return { ipLists, replaceDefaultIpLists: doc.replaceDefaults, allowPrincipals: doc.allowPrincipals, allowApiKeys: doc.allowApiKeys };
}
