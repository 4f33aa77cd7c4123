import type { AccessEvent } from './types.ts';
import type { Masker } from '../sensitive/maskPath.ts';

/**
 * Replaces sensitive path segments and query values by masked tokens. Runs right after normalization, so
 * that nothing downstream (window buffers, state, findings) ever holds a raw phone, ID or card number.
 */
export function maskEvent(ev: AccessEvent, masker: Masker): AccessEvent {
  const path = masker.maskPath(ev.path);
  const query = ev.query ? masker.maskQuery(ev.query) : ev.query;
  let errorMessage = ev.errorMessage;
  if (errorMessage && /\d{11}|@/.test(errorMessage)) errorMessage = errorMessage.split(/(\s+)/).map((w) => masker.maskPath('/' + w).slice(1)).join('');
  if (path === ev.path && query === ev.query && errorMessage === ev.errorMessage) return ev;
  // A literal in normalizeRecord's field order, not a spread: a spread copy gets a map of its own, and every
  // stage's reads of masked and unmasked events would check two maps.
  return {
    requestId: ev.requestId, ts: ev.ts, ip: ev.ip, method: ev.method, path, query, resourcePath: ev.resourcePath, status: ev.status,
    protocol: ev.protocol, responseLength: ev.responseLength, userAgent: ev.userAgent, principalId: ev.principalId, apiKeyId: ev.apiKeyId,
    integrationLatency: ev.integrationLatency, responseLatency: ev.responseLatency, domainName: ev.domainName, stage: ev.stage, errorMessage,
  };
}
