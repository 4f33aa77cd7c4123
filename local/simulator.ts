/**
 * Seeded demo traffic: a small bank's APIs (one REST API with real routes, one behind a greedy
 * `/{proxy+}` route on an execute-api domain) with ordinary customers, partners and a few attacks, written
 * as API Gateway access-log records in the recommended format (every value a string, `-` when missing).
 */
export interface SimOptions {
  seed?: number;
  start?: number;
  hours?: number;
  /** Ordinary requests per minute. */
  rate?: number;
}

export interface SimAttack {
  scenario: string;
  actors: string[];
  start: number;
  end: number;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BROWSER_UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'DemoBank/7.2.1 (Android 14; Pixel 8)',
  'DemoBank/7.2.0 (iOS 18.1; iPhone15,2)',
];

export function simulateTraffic(o: SimOptions = {}): { lines: string[]; attacks: SimAttack[]; secrets: string[] } {
  const r = rng(o.seed ?? 7);
  const start = o.start ?? Date.UTC(2026, 10, 23, 8, 0, 0);
  const hours = o.hours ?? 3;
  const rate = o.rate ?? 120;
  const end = start + hours * 3_600_000;
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const lines: string[] = [];
  const attacks: SimAttack[] = [];
  const bank = 'api.demobank.example';
  const proxied = 'k3x9q2.execute-api.eu-west-1.amazonaws.com';
  const luhnCard = (prefix: string) => {
    const body = prefix + Array.from({ length: 18 - prefix.length }, () => String(int(0, 9))).join('');
    let sum = 0;
    for (let i = 0; i < body.length; i++) { let d = +body[body.length - 1 - i]; if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; } sum += d; }
    return body + String((10 - (sum % 10)) % 10);
  };
  const residentId = () => {
    const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const body = `${int(110000, 650000)}${int(1960, 2004)}${String(int(1, 12)).padStart(2, '0')}${String(int(1, 28)).padStart(2, '0')}${String(int(100, 999))}`;
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += +body[i] * W[i];
    return body + '10X98765432'[sum % 11];
  };
  const users = Array.from({ length: 300 }, (_, i) => ({ id: `u-${10000 + i}`, ip: `203.0.${int(0, 255)}.${int(1, 254)}`, ua: pick(BROWSER_UAS), account: 50000 + i * 7, phone: `13${int(5, 9)}${String(int(10000000, 99999999))}`, card: luhnCard('6222'), rid: residentId() }));
  let seq = 0;
  const emit = (e: { ts: number; ip: string; method: string; path: string; resourcePath: string; status: number; ua: string; principal?: string; apiKey?: string; len?: number; lat?: number; domain?: string; stage?: string; err?: string }) => {
    const lat = e.lat ?? int(20, 180);
    const ts = Math.round(e.ts);
    const d = new Date(ts);
    const clf = `${String(d.getUTCDate()).padStart(2, '0')}/${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
    lines.push(
      JSON.stringify({
        requestId: `${(seq++).toString(16).padStart(8, '0')}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`,
        ip: e.ip, requestTime: clf, requestTimeEpoch: String(ts), httpMethod: e.method, path: e.path, resourcePath: e.resourcePath,
        status: String(e.status), protocol: 'HTTP/1.1', responseLength: String(e.len ?? int(200, 4000)), userAgent: e.ua,
        principalId: e.principal ?? '-', apiKeyId: e.apiKey ?? '-', integrationLatency: String(lat), responseLatency: String(lat + int(2, 9)),
        domainName: e.domain ?? bank, stage: e.stage ?? 'prod', errorMessage: e.err ?? '-',
      }),
    );
  };

  // Ordinary customers: log in, look at accounts and transactions, pay, download statements.
  const burstStart = start + hours * 3_600_000 * 0.55, burstEnd = burstStart + 12 * 60_000;
  for (let t = start; t < end; t += 60_000 / rate) {
    const u = pick(users);
    const ts = t + r() * (60_000 / rate);
    const k = r();
    const common = { ts, ip: u.ip, ua: u.ua, principal: u.id };
    if (k < 0.05) emit({ ...common, principal: undefined, method: 'POST', path: '/v1/auth/login', resourcePath: '/v1/auth/login', status: r() < 0.93 ? 200 : 401 });
    else if (k < 0.35) emit({ ...common, method: 'GET', path: `/v1/accounts/${u.account}`, resourcePath: '/v1/accounts/{accountId}', status: 200 });
    else if (k < 0.6) emit({ ...common, method: 'GET', path: `/v1/accounts/${u.account}/transactions`, resourcePath: '/v1/accounts/{accountId}/transactions', status: 200, len: int(2000, 20000) });
    else if (k < 0.68) {
      const inBurst = ts >= burstStart && ts < burstEnd;
      const fail = inBurst ? r() < 0.45 : r() < 0.01;
      emit({ ...common, method: 'POST', path: '/v1/payments', resourcePath: '/v1/payments', status: fail ? 502 : 201, err: fail ? (inBurst && r() < 0.5 ? 'java.sql.SQLException: ORA-01017 at com.demobank.payments.PaymentDao.insert(PaymentDao.java:88)' : 'Internal server error') : undefined });
      if (!fail) emit({ ...common, ts: ts + 1500, method: 'POST', path: `/v1/payments/${uuid()}/confirm`, resourcePath: '/v1/payments/{paymentId}/confirm', status: 200 });
    } else if (k < 0.72) emit({ ...common, method: 'GET', path: `/v1/customers/by-phone/${u.phone}`, resourcePath: '/v1/customers/by-phone/{phone}', status: 200 });
    else if (k < 0.76) emit({ ...common, method: 'GET', path: `/v1/statements/${int(100000, 999999)}.pdf`, resourcePath: '/v1/statements/{statementFile}', status: 200, len: int(80_000, 400_000) });
    else if (k < 0.78) emit({ ...common, method: 'GET', path: `/v1/users/${u.id.slice(2)}/cards`, resourcePath: '/v1/users/{userId}/cards', status: 200 });
    else if (k < 0.79) emit({ ...common, method: 'GET', path: `/v1/cards/${u.card}/limits`, resourcePath: '/v1/cards/{cardNo}/limits', status: 200 });
    else if (k < 0.8) emit({ ...common, method: 'POST', path: `/v1/kyc/${u.rid}/verify`, resourcePath: '/v1/kyc/{residentId}/verify', status: 200 });
    else if (k < 0.84) emit({ ...common, method: 'GET', path: `/v2/accounts/${u.account}`, resourcePath: '/v2/accounts/{accountId}', status: 200 });
    else {
      // Partner API behind a greedy proxy route: resourcePath tells nothing, the stage prefixes the path.
      const partner = { ip: '198.51.100.20', ua: 'okhttp/4.12.0', apiKey: 'pk-partner-17' };
      const p = r();
      const path = p < 0.4 ? `/prod/merchants/${int(1000, 1400)}/orders/${int(700000, 799999)}` : p < 0.7 ? `/prod/merchants/${int(1000, 1400)}/refunds` : p < 0.9 ? `/prod/orders/ord_${hex(14)}` : '/prod/merchants/search';
      emit({ ts, ...partner, principal: undefined, method: 'GET', path, resourcePath: '/{proxy+}', status: 200, domain: proxied, stage: 'prod' });
    }
  }

  // Attack 1: credential stuffing from rotating IPs.
  const csStart = start + 40 * 60_000, csEnd = csStart + 20 * 60_000;
  const csIps = Array.from({ length: 40 }, () => `45.${int(130, 160)}.${int(0, 255)}.${int(1, 254)}`);
  for (let i = 0; i < 1200; i++) emit({ ts: csStart + r() * (csEnd - csStart), ip: pick(csIps), method: 'POST', path: '/v1/auth/login', resourcePath: '/v1/auth/login', status: r() < 0.98 ? 401 : 200, ua: 'python-requests/2.32.3' });
  attacks.push({ scenario: 'credential_stuffing', actors: csIps, start: csStart, end: csEnd });

  // Attack 2: BOLA - one customer walks other customers' account ids.
  const bola = users[3];
  const bStart = start + 95 * 60_000;
  for (let i = 0; i < 400; i++) {
    const acct = 50000 + i;
    const own = acct === bola.account;
    emit({ ts: bStart + i * 900, ip: bola.ip, ua: bola.ua, principal: bola.id, method: 'GET', path: `/v1/accounts/${acct}`, resourcePath: '/v1/accounts/{accountId}', status: own ? 200 : r() < 0.7 ? 403 : 404 });
  }
  attacks.push({ scenario: 'bola_enumeration', actors: [bola.id, bola.ip], start: bStart, end: bStart + 400 * 900 });

  // Attack 3: unauthenticated bulk download of statements.
  const dStart = start + 130 * 60_000;
  for (let i = 0; i < 300; i++) emit({ ts: dStart + i * 1200, ip: '185.220.101.34', ua: 'Wget/1.21.4', method: 'GET', path: `/v1/statements/${300000 + i}.pdf`, resourcePath: '/v1/statements/{statementFile}', status: 200, len: int(80_000, 400_000) });
  attacks.push({ scenario: 'unauth_bulk_download', actors: ['185.220.101.34'], start: dStart, end: dStart + 300 * 1200 });

  // Attack 4: a scanner probing for paths that match no route.
  const probes = ['/.env', '/admin', '/wp-login.php', '/v1/admin/users', '/actuator/health', '/.git/config', '/v1/debug', '/server-status', '/api/swagger.json', '/v1/internal/metrics', '/phpmyadmin/', '/v1/accounts/../../etc/passwd'];
  const sStart = start + 150 * 60_000;
  for (let i = 0; i < 240; i++) emit({ ts: sStart + i * 2000, ip: '89.248.165.72', ua: 'sqlmap/1.8.2#stable (https://sqlmap.org)', method: 'GET', path: probes[i % probes.length] + (i >= probes.length ? `?id=${i}` : ''), resourcePath: '-', status: 404 });
  attacks.push({ scenario: 'forced_browsing', actors: ['89.248.165.72'], start: sStart, end: sStart + 240 * 2000 });
  // Log-injection attempts: markup, terminal escapes and fake log lines in the path and user agent must stay inert.
  for (let i = 0; i < 6; i++) emit({ ts: sStart + 600_000 + i * 5000, ip: '89.248.165.72', ua: `<script>alert(${i})</script>\u001b[31m\nFAKE ALERT`, method: 'GET', path: `/v1/%3Cimg%20src=x%20onerror=alert(${i})%3E/\u001b[2J`, resourcePath: '-', status: 404 });

  lines.sort((a, b) => Number(JSON.parse(a).requestTimeEpoch) - Number(JSON.parse(b).requestTimeEpoch));
  return { lines, attacks, secrets: users.flatMap((u) => [u.phone, u.card, u.rid]) };
}
