/** Access-log records shaped like the dev sample (every value a string, `-` when missing). */
export function accessLine(over: Record<string, string> = {}): Record<string, string> {
  return {
    requestId: 'req-1', ip: '203.0.113.9', requestTime: '23/Nov/2026:10:00:00 +0000', requestTimeEpoch: '1795428000000',
    httpMethod: 'GET', path: '/v1/accounts/123', resourcePath: '/v1/accounts/{accountId}', status: '200', protocol: 'HTTP/1.1',
    responseLength: '512', userAgent: 'DemoBank/7.2.1 (Android 14)', principalId: 'u-1', apiKeyId: '-', integrationLatency: '40',
    responseLatency: '45', domainName: 'api.bank.example', stage: 'prod', errorMessage: '-', ...over,
  };
}
