/**
 * The recommended API Gateway access-log format (JSON, one object per line). The same keys work for REST APIs
 * and HTTP APIs; where an HTTP API has no such variable (`$context.principalId`, `$context.identity.apiKeyId`,
 * `$context.resourcePath`), the gateway writes `-` and apiscope infers what it needs.
 */
export const RECOMMENDED_KEYS = [
  'requestId', 'ip', 'requestTime', 'requestTimeEpoch', 'httpMethod', 'path', 'resourcePath', 'status',
  'protocol', 'responseLength', 'userAgent', 'principalId', 'apiKeyId', 'integrationLatency',
  'responseLatency', 'domainName', 'stage', 'errorMessage',
] as const;

export type RecommendedKey = (typeof RECOMMENDED_KEYS)[number];

/** `$context` variables for a REST API (API Gateway v1) stage's access log. */
export const REST_API_ACCESS_LOG_FORMAT: Record<RecommendedKey, string> = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  requestTimeEpoch: '$context.requestTimeEpoch',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  userAgent: '$context.identity.userAgent',
  principalId: '$context.authorizer.principalId',
  apiKeyId: '$context.identity.apiKeyId',
  integrationLatency: '$context.integrationLatency',
  responseLatency: '$context.responseLatency',
  domainName: '$context.domainName',
  stage: '$context.stage',
  errorMessage: '$context.error.message',
};

/** `$context` variables for an HTTP API (API Gateway v2) stage's access log. */
export const HTTP_API_ACCESS_LOG_FORMAT: Record<RecommendedKey, string> = {
  ...REST_API_ACCESS_LOG_FORMAT,
  path: '$context.path',
  resourcePath: '$context.routeKey',
  principalId: '$context.authorizer.principalId',
  apiKeyId: '$context.identity.apiKeyId',
  responseLatency: '$context.responseLatency',
};

/** The format string to paste into the stage's access-log settings (or that the CDK stack sets). */
export function accessLogFormatString(kind: 'rest' | 'http' = 'rest'): string {
  const fmt = kind === 'rest' ? REST_API_ACCESS_LOG_FORMAT : HTTP_API_ACCESS_LOG_FORMAT;
  return JSON.stringify(fmt);
}
