import { describe, expect, it } from 'vitest';
import { isStrongShape, valueShape } from '../../shared/discover/index.ts';

describe('valueShape', () => {
  it.each([
    ['12345', 'integer'],
    ['550e8400-e29b-41d4-a716-446655440000', 'uuid'],
    ['550e8400e29b41d4a716446655440000', 'uuid'],
    ['64eeac281afe5a1abd3db8e0', 'objectid'],
    ['9f86d081884c7d65', 'hex'],
    ['cus_MujjSlecAjvclNUYLHAceKCJ', 'prefixed_id'],
    ['0oaXu9P2CGPQBdAlzupL', 'token'],
    ['muqIpqrRIqixvHVAhNtPLX', 'token'],
    ['aussufNStxHcDkrPonwD', 'token'],
    ['INV2-NTNB-PCML-24QE-81ID', 'token'],
    ['2026-11-23', 'date'],
    ['jane.doe@example.com', 'email'],
    ['*cn_mobile:138****5678#8ae6891ca1d4', 'masked'],
    ['report-2026.pdf', 'file'],
    ['v1', 'version'],
    ['feature%2Flogin', 'encoded'],
    ['2.0', 'version'],
  ])('%s is %s', (seg, shape) => {
    expect(valueShape(seg)).toBe(shape);
  });

  it.each(['me', 'users', 'team-sync', 'paymentMethodSettings', 'oauth2', 'by-v1-id', 'AssignedAddOns', 'sha256', 'search'])('%s is not an identifier', (seg) => {
    expect(isStrongShape(valueShape(seg))).toBe(false);
  });
});
