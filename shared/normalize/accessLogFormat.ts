/**
 * The recommended API Gateway access-log format (JSON, one object per line). The same keys work for REST APIs
 * and HTTP APIs, except `apiKeyId` (HTTP APIs have no API keys); where an HTTP API has no value for a variable
 * (`$context.authorizer.principalId` without a Lambda authorizer), the gateway writes `-` and apiscope infers what
 * it needs.
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

/**
 * `$context` variables for an HTTP API (API Gateway v2) stage's access log. HTTP APIs have no API keys, and their
 * CreateStage rejects a format that names a variable they do not support, so `apiKeyId` is left out (read as
 * absent).
 */
const { apiKeyId: _restOnly, ...REST_AND_HTTP } = REST_API_ACCESS_LOG_FORMAT;
export const HTTP_API_ACCESS_LOG_FORMAT: Partial<Record<RecommendedKey, string>> = {
  ...REST_AND_HTTP,
  resourcePath: '$context.routeKey',
};

/** The format string to paste into the stage's access-log settings (or that the CDK stack sets). */
export function accessLogFormatString(kind: 'rest' | 'http' = 'rest'): string {
  const fmt = kind === 'rest' ? REST_API_ACCESS_LOG_FORMAT : HTTP_API_ACCESS_LOG_FORMAT;
  return JSON.stringify(fmt);
}
