import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { describeUndecodable } from '../../shared/ingest/describeUndecodable.ts';

describe('describeUndecodable', () => {
  const text = '{"messageType":"DATA_MESSAGE","logEvents":[{"message":"phone 13812345678"}]} and more text after it';

  it('decodes as far as it goes: base64, gzip (also cut short), UTF-8', () => {
    expect(describeUndecodable(Buffer.from(text).toString('base64'))).toEqual({ text });
    expect(describeUndecodable(gzipSync(text).toString('base64'))).toEqual({ text });
    const gz = gzipSync(text);
    const cut = describeUndecodable(gz.subarray(0, gz.length - 30));
    expect('text' in cut && text.startsWith(cut.text) && cut.text.includes('13812345678')).toBe(true);
    expect(describeUndecodable('not base64 at all! 13812345678')).toEqual({ text: 'not base64 at all! 13812345678' });
  });

  it('calls binary what is not text', () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256);
    const d = describeUndecodable(bytes);
    expect('binary' in d && d.binary.length).toBe(64);
  });
});
