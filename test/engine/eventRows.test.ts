import { describe, expect, it } from 'vitest';
import { fromEventRows, toEventRows } from '../../shared/engine/eventRows.ts';
import { decodeJson, encodeJson } from '../../shared/engine/codec.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';

const ev = (i: number): AccessEvent => ({ requestId: `r${i}`, ts: 1795392000000 + i, ip: '10.0.0.1', method: 'GET', path: `/v1/a/${i}`, query: i % 2 ? 'x=1' : '', resourcePath: i % 3 ? null : '/v1/a/{id}', status: 200 + i, protocol: 'HTTP/1.1', responseLength: i * 10, userAgent: 'ua "quoted" é', principalId: i % 2 ? null : `u${i}`, apiKeyId: null, integrationLatency: i % 4 ? 12.5 : null, responseLatency: 13, domainName: 'd.example', stage: 'prod', errorMessage: i === 3 ? 'boom\nline' : null });

describe('window buffer rows', () => {
  it('round-trips every field of every event through the stored bytes', () => {
    const events = Array.from({ length: 7 }, (_, i) => ev(i));
    expect(fromEventRows(decodeJson(encodeJson(toEventRows(events))))).toEqual(events);
  });

  it('still reads buffers written as arrays of events, and follows the field list a writer recorded', () => {
    const events = [ev(1), ev(2)];
    expect(fromEventRows(decodeJson(encodeJson(events)))).toEqual(events);
    const rows = toEventRows(events);
    const reordered = { ...rows, fields: [...rows.fields].reverse(), drows: rows.drows!.map((r) => [...r].reverse()) };
    expect(fromEventRows(reordered)).toEqual(events);
  });

  it('refuses a buffer that lacks a field instead of inventing values', () => {
    const rows = toEventRows([ev(1)]);
    expect(() => fromEventRows({ ...rows, fields: rows.fields.slice(1), drows: rows.drows!.map((r) => r.slice(1)) })).toThrow(/lacks fields requestId/);
  });

  it('writes each few-valued string once per buffer, and still reads version-1 rows', () => {
    const events = Array.from({ length: 50 }, (_, i) => ev(i));
    const rows = toEventRows(events);
    expect(rows.dict).toEqual(['/v1/a/{id}', 'HTTP/1.1', 'ua "quoted" é', 'd.example', 'prod']);
    const bytes = encodeJson(rows);
    expect(new TextDecoder().decode(bytes).split('d.example').length - 1).toBe(1);
    const v1 = { v: 1 as const, fields: rows.fields, rows: events.map((e) => rows.fields.map((f) => e[f as keyof typeof e])) };
    expect(fromEventRows(decodeJson(encodeJson(v1)))).toEqual(events);
  });

  it('refuses a row that points outside the dictionary', () => {
    const rows = toEventRows([ev(0)]);
    rows.drows![0][rows.fields.indexOf('userAgent')] = 9;
    expect(() => fromEventRows(rows)).toThrow(/userAgent refers to a missing dictionary entry 9/);
  });
});
