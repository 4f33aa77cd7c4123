import type { EndpointChangeRow } from '../emit/rows.ts';
import type { TemplateChange } from './types.ts';

/** `<domain> <method> <template>`: an endpoint's key as the defect checks group by it. */
const keyOf = (domainName: string, method: string, template: string) => `${domainName} ${method} ${template}`;
const iso = (ts: number) => new Date(ts).toISOString();

/** A new endpoint of the inventory, at its first request. */
export const addedRow = (domainName: string, method: string, template: string, at: number): EndpointChangeRow => ({
  changed_at: iso(at), change: 'added', domain_name: domainName, method, template, before_templates: [], after_template: template, before_keys: [], after_key: keyOf(domainName, method, template), reason: 'traffic',
});

/** An endpoint dropped from the inventory: after re-inference its paths resolve to nothing (only 403/404 probes). */
export const removedRow = (domainName: string, method: string, template: string, at: number): EndpointChangeRow => ({
  changed_at: iso(at), change: 'removed', domain_name: domainName, method, template, before_templates: [template], after_template: null, before_keys: [keyOf(domainName, method, template)], after_key: null, reason: 'not_an_endpoint',
});

/** A merge, split or rename, as recorded in discovery's state. */
export const movedRow = (c: TemplateChange): EndpointChangeRow => ({
  changed_at: iso(c.at), change: c.kind, domain_name: c.domainName, method: c.method, template: c.to, before_templates: [...c.from], after_template: c.to,
  before_keys: c.from.map((t) => keyOf(c.domainName, c.method, t)), after_key: keyOf(c.domainName, c.method, c.to), reason: c.reason,
});
