import type { AccessEvent } from './types.ts';
import type { Masker } from '../sensitive/maskPath.ts';

export interface MaskEventOptions {
  /**
   * The few-valued fields (user agent, domain, stage, protocol, route) came from an interner that masks (see
   * createInterner's transform): they are masked once per distinct value there, not once per event here.
   */
  internedMasked?: boolean;
}

/**
 * Replaces every sensitive value in every string field by a masked token (`*kind:display#hash`). Runs right
 * after normalization, so that nothing downstream (window buffers, state, findings, late events) ever holds a
 * raw phone, ID, card number, address or secret. IP addresses are kept as logged (responders act on them:
 * the masker finds nothing in an address); a principal or API key id that is itself a phone number or an
 * email becomes its token, which is stable, so the caller stays one distinct actor.
 */
export function maskEvent(ev: AccessEvent, masker: Masker, opts: MaskEventOptions = {}): AccessEvent {
  const path = masker.maskPath(ev.path);
  const query = ev.query ? masker.maskQuery(ev.query) : ev.query;
  const t = masker.maskText;
  const requestId = t(ev.requestId), ip = t(ev.ip), method = t(ev.method);
  const principalId = ev.principalId === null ? null : masker.maskId(ev.principalId);
  const apiKeyId = ev.apiKeyId === null ? null : masker.maskId(ev.apiKeyId);
  const errorMessage = ev.errorMessage === null ? null : t(ev.errorMessage);
  let { userAgent, domainName, stage, protocol, resourcePath } = ev;
  if (!opts.internedMasked) {
    userAgent = t(userAgent); domainName = t(domainName); stage = t(stage); protocol = t(protocol);
    if (resourcePath !== null) resourcePath = t(resourcePath);
  }
  if (path === ev.path && query === ev.query && requestId === ev.requestId && ip === ev.ip && method === ev.method && principalId === ev.principalId
    && apiKeyId === ev.apiKeyId && errorMessage === ev.errorMessage && userAgent === ev.userAgent && domainName === ev.domainName && stage === ev.stage
    && protocol === ev.protocol && resourcePath === ev.resourcePath) return ev;
  // A literal in normalizeRecord's field order, not a spread: a spread copy gets a map of its own, and every
  // stage's reads of masked and unmasked events would check two maps.
  return {
    requestId, ts: ev.ts, ip, method, path, query, resourcePath, status: ev.status, protocol, responseLength: ev.responseLength, userAgent, principalId, apiKeyId,
    integrationLatency: ev.integrationLatency, responseLatency: ev.responseLatency, domainName, stage, errorMessage, truncated: ev.truncated,
  };
}
