import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeForScan, findInText, mayHoldSensitive } from '../../shared/sensitive/findInText.ts';
import { createMasker, parseMaskToken } from '../../shared/sensitive/maskPath.ts';
import { isIban, isUsSsn, isE164, isBankCard } from '../../shared/sensitive/detectSensitive.ts';

const kinds = (s: string) => findInText(decodeForScan(s)).map((h) => `${h.kind}=${h.value}`);

describe('finding sensitive values in free text', () => {
  it('recognises every kind, with the separators and prefixes people write', () => {
    const cases: Array<[string, string[]]> = [
      ['call 13812345678 now', ['cn_mobile=13812345678']],
      ['call 138 1234 5678 or 138-1234-5678', ['cn_mobile=13812345678', 'cn_mobile=13812345678']],
      ['+86 138 1234 5678, 0086-13812345678, +8613812345678', ['cn_mobile=13812345678', 'cn_mobile=13812345678', 'cn_mobile=13812345678']],
      ['id 11010519491231002X.', ['cn_resident_id=11010519491231002X']],
      ['card 6222021234567890128', ['bank_card=6222021234567890128']],
      ['card 6222 0212 3456 7890 128 / 4111-1111-1111-1111', ['bank_card=6222021234567890128', 'bank_card=4111111111111111']],
      ['mastercard 2221000000000009', ['bank_card=2221000000000009']],
      ['to Alice.Smith+tag@Example.co.uk.', ['email=alice.smith+tag@example.co.uk']],
      ['+14155552671 and +1 (415) 555-2671 and +44 20 7946 0958', ['e164_phone=+14155552671', 'e164_phone=+14155552671', 'e164_phone=+442079460958']],
      ['IBAN DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432', ['iban=DE89370400440532013000', 'iban=GB82WEST12345698765432']],
      ['ssn 123-45-6789', ['us_ssn=123-45-6789']],
      ['key AKIAIOSFODNN7EXAMPLE', ['aws_access_key=AKIAIOSFODNN7EXAMPLE']],
      ['sk_live_4eC39HqLyjWDarjtT1zdp7dc ghp_0123456789abcdefghijABCDEFGHIJ012345', ['secret_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'secret_key=ghp_0123456789abcdefghijABCDEFGHIJ012345']],
      ['Authorization: Bearer abc.def-ghi_jkl', ['bearer_token=abc.def-ghi_jkl']],
      ['jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', ['jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig']],
      ['password=hunter2&pin=1234 "token": "abc123"', ['password=hunter2', 'password=1234', 'api_token=abc123']],
      // Encoded: percent-encoded once or twice, JSON-escaped.
      ['e=alice%40example.com p=%2B14155552671 q=%252B8613812345678', ['email=alice@example.com', 'e164_phone=+14155552671', 'cn_mobile=13812345678']],
      ['{"path":"/u/bob\\u0040example.com"}', ['email=bob@example.com']],
    ];
    for (const [text, want] of cases) expect(kinds(text), text).toEqual(want);
  });

  it('leaves look-alikes alone: checksums decide, and numbers glued to letters or other digits are not values', () => {
    for (const text of [
      'order 4111111111111112 (Luhn fails)', 'id 110105194912310021 (check digit wrong)', 'epoch 1795392000940 ms', '2026-11-23 10:00:00',
      'ip 203.0.113.9 and 2001:db8::1', 'version 10.0.19045.3803', 'a13812345678b', '1381234567', 'IBAN DE89 3704 0044 0532 0130 01 (mod 97 fails)',
      'ssn 000-12-3456, 666-12-3456, 900-12-3456, 123-00-4567', 'pk_live_4eC39HqLyjWDarjtT1zdp7dc is public', 'tokens=5 passwords: none',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      '5a8fe7ed-3b07-43cf-ac5a-fe955398e835', 'user 12345678', '+1234567',
    ]) expect(kinds(text), text).toEqual([]);
  });

  it('checksums and formats of the new recognisers', () => {
    expect(isIban('DE89370400440532013000')).toBe(true);
    expect(isIban('DE8937040044053201300')).toBe(false); // one short for Germany
    expect(isIban('XX89370400440532013000')).toBe(false); // no such country
    expect(isUsSsn('078-05-1120')).toBe(true);
    expect(isE164('+14155552671')).toBe(true);
    expect(isE164('+0123456789')).toBe(false);
    expect(isBankCard('2720990000000007')).toBe(true);
    expect(isBankCard('2721000000000004')).toBe(false); // outside Mastercard's 2-series
  });

  it('the pre-check is false for clean text, true for anything the recognisers could find', () => {
    for (const clean of ['DemoBank/7.2.1 (Android 14; Pixel 8)', '5a8fe7ed-3b07-43cf-ac5a-fe955398e835', '203.0.113.9', 'u-10023', 'Internal server error', 'rv:109.0) Gecko', '/v1/accounts/123456/cards']) {
      expect(mayHoldSensitive(clean), clean).toBe(false);
    }
    for (const dirty of ['13812345678', '138 1234 5678', 'q=138+1234+5678', 'a@b.co', 'a%40b.co', '%2B1', 'sk%5Flive', 'eyJx', 'AKIAX', 'sk_live', 'Bearer x', 'password=x', '"token": "x"', '\\u0040']) {
      expect(mayHoldSensitive(dirty), dirty).toBe(true);
    }
  });

  it('masks into stable tokens that do not mask again, and keeps text that holds nothing identical', () => {
    const m = createMasker('k');
    const text = 'Customer +86 139-1234-5678 (carol@example.org) card 6222 0212 3456 7890 128 failed';
    const once = m.maskText(text);
    expect(once).toMatch(/^Customer \*cn_mobile:139\*\*\*\*5678#[0-9a-f]{12} \(\*email:c\*\*\*@example\.org#[0-9a-f]{12}\) card \*bank_card:6222\*{11}0128#[0-9a-f]{12} failed$/);
    expect(m.maskText(once)).toBe(once);
    // The same value in another form is the same token: one customer stays one customer.
    expect(m.maskText('13912345678')).toBe(once.split(' ')[1]);
    expect(parseMaskToken(m.maskText('13912345678'))).toMatchObject({ kind: 'cn_mobile', display: '139****5678' });
    const clean = 'GET /v1/accounts/123 took 45 ms';
    expect(m.maskText(clean)).toBe(clean);
  });

  it('answers inputs built to make backtracking patterns explode (long runs without an end)', () => {
    const m = createMasker('k');
    for (const h of ['a.'.repeat(50_000) + '@', '1 '.repeat(50_000), '@'.repeat(50_000), 'DE89'.repeat(20_000), 'eyJ'.repeat(30_000) + '.']) expect(m.maskText(h) === h, h.slice(0, 12)).toBe(true);
  });

  it('the pre-check never says no where findInText would find something (it may only over-approximate)', () => {
    const values = ['13812345678', '138 1234 5678', '+8613812345678', '11010519491231002X', '6222021234567890128', '4111-1111-1111-1111', '+14155552671',
      '+1 (415) 555-2671', 'a.b@example.com', 'DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32', '123-45-6789', 'AKIAIOSFODNN7EXAMPLE',
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'Bearer abcdefgh1234', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'password=x', '"pin": "1234"'];
    const noise = fc.string({ unit: fc.constantFrom(...'0123456789 -+()abcdefXxAZ@.%:=_"\\/'.split('')), maxLength: 24 });
    fc.assert(
      fc.property(noise, fc.constantFrom(...values, ''), noise, (a, v, b) => {
        const text = a + v + b;
        if (findInText(text).length > 0) expect(mayHoldSensitive(text), JSON.stringify(text)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});

