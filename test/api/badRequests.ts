/** Requests the API must refuse, each with the exact message it answers (route, query, path parameters, message). */
export const BAD_REQUESTS: Array<[string, Record<string, string>, Record<string, string>, string]> = [
  ['/defects', { severity: "high' OR 1=1 --" }, {}, 'severity: must be one of info, low, medium, high, critical'],
  ['/defects', { status: 'closed' }, {}, 'status: must be one of open, resolved, reopened'],
  ['/endpoints', { domain: "x' UNION SELECT" }, {}, 'domain: must be a host name, e.g. api.bank.example'],
  ['/endpoints', { specStatus: 'zombie' }, {}, 'specStatus: must be one of in_spec, shadow, deprecated, orphan, no_spec'],
  ['/endpoints', { nextToken: 'forged' }, {}, 'nextToken: is not a token this API issued'],
  ['/endpoints', { nextToken: 'not/base64' }, {}, 'nextToken: is not a token this API issued'],
  ['/endpoints', { limit: '0' }, {}, 'limit: must be a whole number 1-500'],
  ['/endpoints', { limit: 'all' }, {}, 'limit: must be a whole number 1-500'],
  ['/risk-events', { minScore: '101' }, {}, 'minScore: must be a whole number 0-100'],
  ['/risk-events', { date: '23/11/2026' }, {}, 'date: must be a UTC day yyyy-mm-dd'],
  ['/risk-events', { unknown: '1' }, {}, 'unknown: not a parameter of this route; it takes date, minScore, limit, nextToken'],
  ['/defects/{defectId}', {}, { defectId: "x' OR '1'='1" }, 'defectId: must be a defect id (letters, digits and _:.-, at most 128)'],
  ['/actors/{actorType}/{actor}', {}, { actorType: 'email', actor: 'a@b.example' }, 'actorType: must be one of ip, principal, api_key, ua_fingerprint'],
  ['/actors/{actorType}/{actor}', {}, { actorType: 'ip', actor: 'x'.repeat(257) }, 'actor: must be the identifier as logged, 1-256 characters, URL-encoded'],
];
