import { describe, expect, it } from 'vitest';
import { createMasker, parseMaskToken } from '../../shared/sensitive/maskPath.ts';
import { classifySensitive, isBankCard, isCnResidentId } from '../../shared/sensitive/detectSensitive.ts';

describe('sensitive values', () => {
  it('recognises CN mobile numbers, resident IDs with checksum, Luhn cards, emails and JWTs', () => {
    expect(classifySensitive('13812345678')).toBe('cn_mobile');
    expect(classifySensitive('+8613812345678')).toBe('cn_mobile');
    expect(isCnResidentId('11010519491231002X')).toBe(true);
    expect(isCnResidentId('110105194912310021')).toBe(false); // wrong check digit
    expect(isBankCard('6222021234567890128')).toBe(true);
    expect(isBankCard('6222021234567890123')).toBe(false); // fails Luhn
    expect(classifySensitive('alice@example.com')).toBe('email');
    expect(classifySensitive('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U')).toBe('jwt');
    expect(classifySensitive('123456')).toBeNull();
    expect(classifySensitive('ord_12345678')).toBeNull();
  });

  it('masks path segments and query values, keeping kind, a display mask and a keyed hash only', () => {
    const m = createMasker('k1');
    const p = m.maskPath('/v1/users/13812345678/cards/6222021234567890128');
    expect(p).not.toContain('13812345678');
    expect(p).not.toContain('6222021234567890128');
    const segs = p.split('/');
    expect(parseMaskToken(segs[3])).toMatchObject({ kind: 'cn_mobile', display: '138****5678' });
    expect(parseMaskToken(segs[5])).toMatchObject({ kind: 'bank_card', display: '6222***********0128' });
    expect(m.maskPath('/v1/users/13812345678')).toBe(m.maskPath('/v1/users/13812345678'));
    expect(createMasker('k2').maskPath('/v1/users/13812345678')).not.toBe(p.split('/cards')[0]);
    const q = m.maskQuery('password=hunter2&email=bob%40example.com&page=2');
    expect(q).not.toContain('hunter2');
    expect(q).not.toContain('bob');
    expect(q).toContain('page=2');
    expect(m.maskPath('/v1/orders/42')).toBe('/v1/orders/42');
  });

  it('masks a path the same from memory as the first time, also after its memory of paths was full', () => {
    const m = createMasker('k1');
    const phone = (i: number) => `138${String(i).padStart(8, '0')}`;
    const first = m.maskPath(`/v1/users/${phone(0)}/cards`);
    const fresh = createMasker('k1').maskPath(`/v1/users/${phone(0)}/cards`);
    expect(first).toBe(fresh);
    for (let i = 1; i <= 25_000; i++) expect(m.maskPath(`/v1/users/${phone(i)}/cards`)).not.toContain(phone(i));
    expect(m.maskPath(`/v1/users/${phone(0)}/cards`)).toBe(first);
    expect(m.maskPath('/v1/orders/12345678')).toBe('/v1/orders/12345678');
  });
});

describe('masking paths and query strings in every syntax', () => {
  const m = createMasker('k1');
  const token = (v: string) => m.maskText(v);

  it('masks E.164 numbers in paths, plain or URL-encoded, as one value', () => {
    const p = m.maskPath('/v2/PhoneNumbers/+14155552671');
    expect(p).toBe(`/v2/PhoneNumbers/${token('+14155552671')}`);
    expect(parseMaskToken(p.split('/')[3])).toMatchObject({ kind: 'e164_phone', display: '+14*******71' });
    expect(m.maskPath('/v2/PhoneNumbers/%2B14155552671')).toBe(p);
  });

  it('masks values inside a segment: matrix parameters, file names', () => {
    expect(m.maskPath('/v1/users;phone=13812345678;type=m/cards')).toBe(`/v1/users;phone=${token('13812345678')};type=m/cards`);
    expect(m.maskPath('/v1/statements/6222021234567890128.pdf')).toBe(`/v1/statements/${token('6222021234567890128')}.pdf`);
  });

  it('masks query values in &- and ;-separated, form-encoded, double-encoded and JSON-in-query syntax', () => {
    const phone = token('13812345678');
    expect(m.maskQuery('a=1;phone=138-1234-5678&b=2')).toBe(`a=1;phone=${phone}&b=2`);
    expect(m.maskQuery('q=call+138+1234+5678')).toBe(`q=call%20${phone}`);
    expect(m.maskQuery('phone=+14155552671')).toBe(`phone=${token('+14155552671')}`);
    expect(m.maskQuery('phone=%252B14155552671')).toBe(`phone=${token('+14155552671')}`);
    expect(m.maskQuery(`filter=${encodeURIComponent('{"phone":"13812345678","n":1}')}`)).toBe(`filter={"phone":"${phone}","n":1}`);
    expect(m.maskQuery('ids=6222021234567890128,13812345678')).toBe(`ids=${token('6222021234567890128')},${phone}`);
    expect(m.maskQuery('pin=1234&cvv=123&page=2')).toMatch(/^pin=\*password:\*\*\*#[0-9a-f]{12}&cvv=\*password:\*\*\*#[0-9a-f]{12}&page=2$/);
    expect(m.maskQuery('13812345678')).toBe(phone);
    expect(m.maskQuery('page=2&sort=asc')).toBe('page=2&sort=asc');
  });
});
