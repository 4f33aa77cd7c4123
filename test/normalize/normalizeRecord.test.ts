import { describe, expect, it } from 'vitest';
import { normalizeRecord, parseClfTime } from '../../shared/normalize/normalizeRecord.ts';
import { parseFieldMapping, FieldMappingError } from '../../shared/normalize/fieldMapping.ts';
import { accessLine } from '../support/records.ts';

const norm = (o: Record<string, unknown>, opts = {}) => normalizeRecord(JSON.stringify(o), opts);
const reason = (raw: string, opts = {}) => { const r = normalizeRecord(raw, opts); return r.ok ? 'ok' : r.rejection.reason; };

describe('normalizeRecord', () => {
  it('parses the recommended format, with "-" as missing', () => {
    const r = norm(accessLine({ apiKeyId: '-', errorMessage: '-', path: '/v1/accounts/123?expand=cards' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event).toMatchObject({ ts: 1795428000000, method: 'GET', path: '/v1/accounts/123', query: 'expand=cards', status: 200, apiKeyId: null, principalId: 'u-1', errorMessage: null, responseLength: 512, resourcePath: '/v1/accounts/{accountId}' });
  });

  it('strips the stage prefix on execute-api domains only, and ignores greedy routes', () => {
    const r = norm(accessLine({ domainName: 'abc.execute-api.eu-west-1.amazonaws.com', stage: 'prod', path: '/prod/orders/9', resourcePath: '/{proxy+}' }));
    expect(r.ok && r.event.path).toBe('/orders/9');
    expect(r.ok && r.event.resourcePath).toBeNull();
    const c = norm(accessLine({ domainName: 'api.bank.example', stage: 'prod', path: '/prod/orders/9' }));
    expect(c.ok && c.event.path).toBe('/prod/orders/9');
  });

  it('reads HTTP API route keys', () => {
    const r = norm(accessLine({ resourcePath: 'GET /pets/{petId}' }));
    expect(r.ok && r.event.resourcePath).toBe('/pets/{petId}');
    expect((norm(accessLine({ resourcePath: '$default' })) as any).event.resourcePath).toBeNull();
  });

  it('uses event time, from requestTimeEpoch or the CLF requestTime', () => {
    expect(parseClfTime('23/Nov/2026:10:00:00 +0100')).toBe(Date.UTC(2026, 10, 23, 9, 0, 0));
    const r = norm(accessLine({ requestTimeEpoch: '-' }));
    expect(r.ok && r.event.ts).toBe(Date.UTC(2026, 10, 23, 10, 0, 0));
  });

  it('upper-cases a method that arrives otherwise, and keeps an upper-case one as it came', () => {
    for (const [m, want] of [['get', 'GET'], ['Post', 'POST'], ['DELETE', 'DELETE'], ['pätch', 'PÄTCH']]) {
      const r = norm(accessLine({ httpMethod: m }));
      expect(r.ok && r.event.method).toBe(want);
    }
  });

  it('rejects bad input with a reason and never throws', () => {
    expect(reason('not json')).toBe('unknown_format');
    expect(reason('127.0.0.1 - - [23/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5')).toBe('unknown_format');
    expect(reason('{"requestId": ')).toBe('not_json');
    expect(reason('[1,2]')).toBe('not_object');
    expect(reason(JSON.stringify({ ...accessLine(), path: undefined }))).toBe('missing_field');
    expect(reason(JSON.stringify({ ...accessLine(), status: 'abc' }))).toBe('wrong_type');
    expect(reason(JSON.stringify({ ...accessLine(), path: ['x'] }))).toBe('wrong_type');
    for (const k of ['requestId', 'httpMethod', 'ip', 'status']) {
      const r = normalizeRecord(JSON.stringify({ ...accessLine(), [k]: { nested: 1 } }));
      expect(r.ok ? null : r.rejection.detail).toBe(`field "${k}" is object`);
    }
    expect(reason(JSON.stringify({ ...accessLine(), requestTimeEpoch: 'yesterday', requestTime: '-' }))).toBe('bad_timestamp');
    expect(reason(JSON.stringify({ ...accessLine(), requestTimeEpoch: '946684800000' }))).toBe('timestamp_out_of_range');
    expect(reason(JSON.stringify(accessLine()), { referenceTs: 1795428000000 + 3 * 86_400_000 })).toBe('timestamp_out_of_range');
    expect(reason(JSON.stringify({ ...accessLine(), userAgent: 'x'.repeat(1_000_000) }))).toBe('field_too_large');
    expect(reason(JSON.stringify(accessLine()).replace('DemoBank', 'Demo\uFFFDBank'))).toBe('invalid_utf8');
  });

  it('maps other key names through a validated field mapping', () => {
    const mapping = parseFieldMapping({ ip: 'sourceIp', resourcePath: 'routeKey', requestTimeEpoch: 'epoch' });
    const { ip, resourcePath, requestTimeEpoch, ...rest } = accessLine();
    const r = normalizeRecord(JSON.stringify({ ...rest, sourceIp: ip, routeKey: 'GET ' + resourcePath, epoch: requestTimeEpoch }), { mapping });
    expect(r.ok && r.event.ip).toBe('203.0.113.9');
    expect(r.ok && r.event.resourcePath).toBe('/v1/accounts/{accountId}');
    expect(() => parseFieldMapping({ sourceIp: 'ip' })).toThrow(FieldMappingError);
    expect(() => parseFieldMapping({ sourceIp: 'ip' })).toThrow(/unknown apiscope field "sourceIp"/);
  });

  it('parses a line up to CloudWatch Logs\' 256 KB, cuts each oversized field and says which', () => {
    const ua = 'python-requests/2.32.3 ' + 'A'.repeat(17_000);
    const r = norm(accessLine({ userAgent: ua, errorMessage: 'e'.repeat(200_000), path: '/v1/' + 'p'.repeat(3000) + '?q=' + 'x'.repeat(5000) }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.userAgent).toBe(ua.slice(0, 512));
    expect(r.event.errorMessage?.length).toBe(1024);
    expect(r.event.path.length).toBe(2048);
    expect(r.event.query.length).toBe(2048);
    expect(r.event.truncated).toBe('path,userAgent,query,errorMessage');
    const plain = norm(accessLine());
    expect(plain.ok && plain.event.truncated).toBeUndefined();
    expect(reason(JSON.stringify({ ...accessLine(), userAgent: 'x'.repeat(256 * 1024) }))).toBe('field_too_large');
  });

  it('cuts before a value that the limit falls in, so that no first digits of a number are kept', () => {
    const ua = 'x'.repeat(505) + ' 13812345678 tail';
    const r = norm(accessLine({ userAgent: ua }));
    expect(r.ok && r.event.userAgent).toBe('x'.repeat(505) + ' ');
  });

  it('bounds event time by the arrival on the stream: a few minutes of clock skew after it, and 2100 never', () => {
    const t = 1795428000000;
    const at = (ts: number, opts: Record<string, number>) => reason(JSON.stringify(accessLine({ requestTimeEpoch: String(ts) })), opts);
    expect(at(t + 4 * 60_000, { arrivalTs: t })).toBe('ok');
    expect(at(t + 6 * 60_000, { arrivalTs: t })).toBe('timestamp_out_of_range');
    expect(at(Date.UTC(2099, 0, 1), { arrivalTs: t, referenceTs: Date.UTC(2099, 0, 1) })).toBe('timestamp_out_of_range');
    expect(at(Date.UTC(2100, 0, 1), {})).toBe('timestamp_out_of_range');
    expect(at(t + 6 * 60_000, { arrivalTs: 0 })).toBe('ok'); // a placeholder arrival (0) bounds nothing
    // Without its CloudWatch Logs timestamp, an event is bounded in the past by the arrival too.
    expect(at(t - 16 * 86_400_000, { arrivalTs: t })).toBe('timestamp_out_of_range');
    expect(at(t - 16 * 86_400_000, { arrivalTs: t, referenceTs: t - 16 * 86_400_000 })).toBe('ok');
  });
});

