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
    const reordered = { ...rows, fields: [...rows.fields].reverse(), rows: rows.rows.map((r) => [...r].reverse()) };
    expect(fromEventRows(reordered)).toEqual(events);
  });

  it('refuses a buffer that lacks a field instead of inventing values', () => {
    const rows = toEventRows([ev(1)]);
    expect(() => fromEventRows({ ...rows, fields: rows.fields.slice(1), rows: rows.rows.map((r) => r.slice(1)) })).toThrow(/lacks fields requestId/);
  });
});
