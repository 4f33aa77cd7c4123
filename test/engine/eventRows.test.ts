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
    const reordered = { ...rows, fields: [...rows.fields].reverse(), cols: [...rows.cols!].reverse() };
    expect(fromEventRows(reordered)).toEqual(events);
  });

  it('refuses a buffer that lacks a field instead of inventing values', () => {
    const rows = toEventRows([ev(1)]);
    expect(() => fromEventRows({ ...rows, fields: rows.fields.slice(1), cols: rows.cols!.slice(1) })).toThrow(/lacks fields requestId/);
    expect(() => fromEventRows({ ...rows, cols: rows.cols!.map((c, i) => (i === 2 ? c.slice(1) : c)) })).toThrow(/column ip does not hold 1 values/);
  });

  it('writes each few-valued string once per buffer and times as offsets, and still reads version-1 and version-2 rows', () => {
    const events = Array.from({ length: 50 }, (_, i) => ev(i));
    const rows = toEventRows(events);
    expect(rows.dict).toEqual(['GET', '/v1/a/{id}', 'HTTP/1.1', 'ua "quoted" é', 'd.example', 'prod']);
    expect(rows.base).toBe(1795392000000);
    expect(rows.cols![rows.fields.indexOf('ts')].slice(0, 3)).toEqual([0, 1, 2]);
    const bytes = encodeJson(rows);
    expect(new TextDecoder().decode(bytes).split('d.example').length - 1).toBe(1);
    const plain = events.map((e) => rows.fields.map((f) => e[f as keyof typeof e]));
    const v1 = { v: 1 as const, fields: rows.fields, rows: plain };
    expect(fromEventRows(decodeJson(encodeJson(v1)))).toEqual(events);
    // Version 2 as it was written: rows, with five coded fields (the method was a string).
    const coded = ['resourcePath', 'protocol', 'userAgent', 'domainName', 'stage'];
    const dict = ['/v1/a/{id}', 'HTTP/1.1', 'ua "quoted" é', 'd.example', 'prod'];
    const drows = plain.map((r) => r.map((v, i) => (coded.includes(rows.fields[i]) && v !== null ? dict.indexOf(v as string) : v)));
    expect(fromEventRows(decodeJson(encodeJson({ v: 2 as const, fields: rows.fields, coded, dict, drows })))).toEqual(events);
  });

  it('refuses a value that points outside the dictionary', () => {
    const rows = toEventRows([ev(0)]);
    rows.cols![rows.fields.indexOf('userAgent')][0] = 9;
    expect(() => fromEventRows(rows)).toThrow(/userAgent refers to a missing dictionary entry 9/);
  });
});
