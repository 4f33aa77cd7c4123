import { describe, expect, it } from 'vitest';
import { NOTICE_KINDS } from '../../infra/constructs/alerts.ts';
import { parseConfig } from '../../infra/config.ts';
import { templateOf } from './synth.ts';

const emailSubscriptions = (alertEmailResolutions?: boolean) => {
  const { template } = templateOf({ apiscope: { logGroupNames: ['/aws/apigateway/orders-access'], alertEmail: 'soc@bank.example', opsEmail: 'oncall@bank.example', ...(alertEmailResolutions === undefined ? {} : { alertEmailResolutions }) } });
  return Object.values(template.findResources('AWS::SNS::Subscription')).map((r: any) => r.Properties).filter((p) => p.Protocol === 'email');
};

describe('alert e-mail and resolution notices', () => {
  it('mails the alert address every kind but defect_resolved unless it opts in; the ops address is not filtered', () => {
    const byEndpoint = Object.fromEntries(emailSubscriptions().map((p) => [p.Endpoint, p.FilterPolicy]));
    expect(byEndpoint).toEqual({ 'soc@bank.example': { kind: [{ 'anything-but': ['defect_resolved'] }] }, 'oncall@bank.example': undefined });
    expect([...NOTICE_KINDS]).toEqual(['defect_resolved']);
  });

  it('mails resolutions too with alertEmailResolutions: true', () => {
    expect(emailSubscriptions(true).find((p) => p.Endpoint === 'soc@bank.example')?.FilterPolicy).toBeUndefined();
    expect(parseConfig({ logGroupNames: ['/aws/apigateway/orders-access'] }).alertEmailResolutions).toBe(false);
    expect(() => parseConfig({ logGroupNames: ['/aws/apigateway/orders-access'], alertEmailResolutions: 'yes' })).toThrow(/alertEmailResolutions: must be true or false/);
  });
});
