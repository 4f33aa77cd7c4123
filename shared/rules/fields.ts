import type { AccessEvent } from '../normalize/types.ts';
import type { EndpointInfo } from '../engine/types.ts';
import { maskedKinds } from '../check/util.ts';

/** Fields of the normalized event a rule may test. */
export const EVENT_FIELDS = [
  'requestId', 'ts', 'ip', 'method', 'path', 'query', 'resourcePath', 'status', 'protocol', 'responseLength', 'userAgent',
  'principalId', 'apiKeyId', 'integrationLatency', 'responseLatency', 'domainName', 'stage', 'errorMessage',
] as const;

/** Derived fields: the endpoint template, whether a principal or key was present, the hour (UTC). */
export const DERIVED_FIELDS = ['template', 'authenticated', 'hourUtc', 'sensitiveKinds'] as const;

/** Endpoint attributes from discovery, as `endpoint.<name>`. */
export const ENDPOINT_FIELDS = [
  'requestCount', 'authRequests', 'unauthRequests', 'sensitiveTypes', 'isFileAsset', 'fileTypes', 'source', 'specStatus', 'firstSeen', 'lastSeen',
] as const;

export const ALL_FIELDS: string[] = [...EVENT_FIELDS, ...DERIVED_FIELDS, ...ENDPOINT_FIELDS.map((f) => `endpoint.${f}`), 'queryParam.<name>'];

export function isKnownField(f: string): boolean {
  if ((EVENT_FIELDS as readonly string[]).includes(f) || (DERIVED_FIELDS as readonly string[]).includes(f)) return true;
  if (f.startsWith('endpoint.')) return (ENDPOINT_FIELDS as readonly string[]).includes(f.slice(9));
  return f.startsWith('queryParam.') && f.length > 11;
}

/** What a rule sees of one request. */
export interface RuleSubject {
  ev: AccessEvent;
  template: string | null;
  /** Discovery's attributes, looked up only when a rule reads an `endpoint.*` field. */
  endpoint: () => EndpointInfo | undefined;
}

/** Reads a field (scalar or list) from the subject. Unknown or missing fields read as null. */
export function readField(s: RuleSubject, field: string): unknown {
  switch (field) {
    case 'template': return s.template;
    case 'authenticated': return s.ev.principalId !== null || s.ev.apiKeyId !== null;
    case 'hourUtc': return new Date(s.ev.ts).getUTCHours();
    case 'sensitiveKinds': return maskedKinds(s.ev);
  }
  if (field.startsWith('endpoint.')) { const e = s.endpoint(); return e ? (e as unknown as Record<string, unknown>)[field.slice(9)] ?? null : null; }
  if (field.startsWith('queryParam.')) {
    const name = field.slice(11);
    for (const part of s.ev.query.split('&')) {
      const eq = part.indexOf('=');
      const k = eq < 0 ? part : part.slice(0, eq);
      if (k === name) { try { return decodeURIComponent((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' ')); } catch { return part.slice(eq + 1); } }
    }
    return null;
  }
  return (s.ev as unknown as Record<string, unknown>)[field] ?? null;
}
