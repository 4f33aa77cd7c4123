import { simulateTraffic } from '../../local/simulator.ts';

const START = Date.UTC(2026, 10, 23, 8, 0, 0);
const MIN = 60_000;

/** One access-log line in the recommended format (every value a string), on the simulator's bank API. */
function line(ts: number, o: Record<string, string>): string {
  return JSON.stringify({
    requestId: `extra-${ts}-${o.ip}`, ip: '-', requestTime: '-', requestTimeEpoch: String(Math.round(ts)), httpMethod: 'GET', path: '/', resourcePath: '-', status: '200',
    protocol: 'HTTP/1.1', responseLength: '300', userAgent: 'curl/8.5.0', principalId: '-', apiKeyId: '-', integrationLatency: '30', responseLatency: '35',
    domainName: 'api.demobank.example', stage: 'prod', errorMessage: '-', ...o,
  });
}

/**
 * Three hours of the simulator's bank traffic and attacks (`local/simulator.ts`), plus attacks that escalate,
 * which is where alerts used to get lost, and a few lines that are not access logs:
 * - an anonymous caller fetches four statements at 09:40 (unauthenticated file download, high), before the
 *   simulator's bulk download at 10:10 makes the same defect critical;
 * - an anonymous file sweep from a hosting provider's address at 10:38 (an incident of its own, beside the
 *   simulator's bulk download);
 * - three malformed lines, which are quarantined.
 */
export function attackTraffic(seed = 11): string[] {
  const { lines } = simulateTraffic({ seed, hours: 3, rate: 40 });
  const extra: string[] = [];
  for (let i = 0; i < 4; i++) extra.push(line(START + 100 * MIN + i * 40_000, { ip: '198.18.0.7', path: `/v1/statements/${200000 + i}.pdf`, resourcePath: '/v1/statements/{statementFile}', responseLength: '90000' }));
  for (let i = 0; i < 300; i++) {
    extra.push(line(START + 158 * MIN + i * 3900, { ip: '95.216.66.93', path: `/v1/statements/${400000 + i * 7}.pdf`, resourcePath: '/v1/statements/{statementFile}', responseLength: String(1_300_000 + ((i * 7919) % 900_000)), userAgent: 'python-requests/2.31.0' }));
  }
  const epoch = (l: string) => Number(/"requestTimeEpoch":"(\d+)"/.exec(l)?.[1] ?? 0);
  const all = [...lines, ...extra].sort((a, b) => epoch(a) - epoch(b));
  // Not access-log lines: quarantined, never fatal. Placed among lines of their time, so they arrive in order.
  for (const [at, bad] of [[0.2, 'not a log line'], [0.5, '{"requestId": "truncated'], [0.8, '<html>502 Bad Gateway</html>']] as const) all.splice(Math.floor(all.length * at), 0, bad);
  return all;
}
