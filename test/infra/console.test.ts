import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../infra/config.ts';
import { TRIAGER_GROUP } from '../../infra/constructs/console.ts';
import { nagFindings } from './nagFindings.ts';
import { buildTestApp } from './synth.ts';

const BASE = { logGroupNames: ['/aws/apigateway/orders-access'] };
const CONSOLE = { ...BASE, console: { enabled: true, callbackUrls: ['https://apiscope.bank.example/'] } };

const ref = (logicalId: string) => ({ Ref: logicalId });
const only = (t: Template, type: string) => {
  const all = t.findResources(type);
  expect(Object.keys(all), type).toHaveLength(1);
  const [id, r] = Object.entries(all)[0] as [string, { Properties: Record<string, any> }];
  return { id, props: r.Properties };
};

describe('console infrastructure (console.enabled)', () => {
  const { stack } = buildTestApp({ apiscope: CONSOLE });
  const t = Template.fromStack(stack);
  const dist = only(t, 'AWS::CloudFront::Distribution');
  const pool = only(t, 'AWS::Cognito::UserPool');
  const client = only(t, 'AWS::Cognito::UserPoolClient');
  const idPool = only(t, 'AWS::Cognito::IdentityPool');
  const distUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [dist.id, 'DomainName'] }]] };

  it('serves the app from a private bucket through CloudFront: OAC, HTTPS only, index.html at /, SPA error routing, access logs', () => {
    const c = dist.props.DistributionConfig;
    expect(c.DefaultRootObject).toBe('index.html');
    expect(c.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(c.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(c.Origins).toHaveLength(1);
    expect(c.Origins[0].OriginAccessControlId).toBeDefined();
    expect(c.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(c.CustomErrorResponses.map((e: any) => [e.ErrorCode, e.ResponseCode, e.ResponsePagePath])).toEqual([[403, 200, '/index.html'], [404, 200, '/index.html']]);
    expect(c.Logging.Bucket['Fn::GetAtt'][1]).toBe('RegionalDomainName');
    t.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } });
  });

  it('sends a strict CSP and the security headers on every answer', () => {
    const policy = only(t, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(dist.props.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(ref(policy.id));
    const h = policy.props.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = (h.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : '<token>')).join('');
    for (const d of ["default-src 'none'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'", "base-uri 'none'", 'connect-src \'self\' https://*.execute-api.<token>.<token> https://cognito-identity.<token>.amazonaws.com']) expect(csp).toContain(d);
    expect(csp).not.toMatch(/unsafe-(inline|eval)|\*\s|https:\s|http:/);
    expect(h.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(h.FrameOptions.FrameOption).toBe('DENY');
    expect(h.ContentTypeOptions.Override).toBe(true);
    expect(h.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
  });

  it('lets only this distribution read the site bucket (bucket policy), with public access blocked', () => {
    const buckets = t.findResources('AWS::S3::Bucket');
    const siteId = Object.keys(buckets).find((k) => k.startsWith('ConsoleSiteBucket'))!;
    expect(buckets[siteId].Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(buckets[siteId].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    const policy = Object.values(t.findResources('AWS::S3::BucketPolicy')).find((p: any) => p.Properties.Bucket.Ref === siteId) as any;
    const allows = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [siteId, 'Arn'] }, '/*']] },
        Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', ref(dist.id)]] } } },
      },
    ]);
    expect(policy.Properties.PolicyDocument.Statement.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });

  it('signs people in with a Cognito user pool: admin-created users only, MFA required, a strong password policy, threat protection', () => {
    expect(pool.props.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.props.MfaConfiguration).toBe('ON');
    expect(pool.props.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.props.Policies.PasswordPolicy).toEqual({ MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3 });
    expect(pool.props.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(pool.props.UserPoolTier).toBe('PLUS');
    expect(pool.props.DeletionProtection).toBe('ACTIVE');
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', { UserPoolId: ref(pool.id), Domain: { 'Fn::Join': ['-', ['apiscope', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]] } });
  });

  it('has one public app client: authorization code only (PKCE, no secret), back to the distribution and the configured URLs', () => {
    expect(client.props.GenerateSecret).toBe(false);
    expect(client.props.AllowedOAuthFlows).toEqual(['code']);
    expect(client.props.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.props.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
    expect(client.props.CallbackURLs).toEqual([{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [dist.id, 'DomainName'] }, '/']] }, 'https://apiscope.bank.example/']);
    expect(client.props.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(client.props.PreventUserExistenceErrors).toBe('ENABLED');
    // No password flows on the client: sign-in happens on the hosted page only.
    expect(client.props.ExplicitAuthFlows).toBeUndefined();
  });

  it('gives signed-in users IAM credentials from an identity pool: reader role by default, triager role for the triagers group', () => {
    expect(idPool.props.AllowUnauthenticatedIdentities).toBe(false);
    expect(idPool.props.AllowClassicFlow).toBe(false);
    expect(idPool.props.CognitoIdentityProviders).toEqual([{ ClientId: ref(client.id), ProviderName: { 'Fn::GetAtt': [pool.id, 'ProviderName'] }, ServerSideTokenCheck: true }]);
    const attach = only(t, 'AWS::Cognito::IdentityPoolRoleAttachment');
    const readerRoleId = attach.props.Roles.authenticated['Fn::GetAtt'][0];
    expect(attach.props.RoleMappings.console).toMatchObject({ Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' });
    const group = only(t, 'AWS::Cognito::UserPoolGroup');
    expect(group.props.GroupName).toBe(TRIAGER_GROUP);
    const triagerRoleId = group.props.RoleArn['Fn::GetAtt'][0];
    const roles = t.findResources('AWS::IAM::Role');
    for (const id of [readerRoleId, triagerRoleId]) {
      const [stmt] = roles[id].Properties.AssumeRolePolicyDocument.Statement;
      expect(stmt.Principal).toEqual({ Federated: 'cognito-identity.amazonaws.com' });
      expect(stmt.Action).toEqual(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
      expect(stmt.Condition).toEqual({ StringEquals: { 'cognito-identity.amazonaws.com:aud': ref(idPool.id) }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } });
    }
    const policyIds = Object.fromEntries(Object.entries(t.findResources('AWS::IAM::ManagedPolicy')).map(([id, p]: [string, any]) => [p.Properties.Description.includes('GET only') ? 'reader' : p.Properties.Description.includes('change triage') ? 'triager' : id, id]));
    expect(roles[readerRoleId].Properties.ManagedPolicyArns).toEqual([ref(policyIds.reader)]);
    expect(roles[triagerRoleId].Properties.ManagedPolicyArns).toEqual([ref(policyIds.triager)]);
  });

  it('lets the API answer the console origins only (CORS), with the headers a SigV4 call sends', () => {
    const api = Object.values(t.findResources('AWS::ApiGatewayV2::Api')).find((a: any) => a.Properties.Description?.includes('findings')) as any;
    expect(api.Properties.CorsConfiguration).toEqual({
      AllowOrigins: [distUrl, 'https://apiscope.bank.example'],
      AllowMethods: ['GET', 'PATCH', 'POST'],
      AllowHeaders: ['authorization', 'content-type', 'if-match', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'],
      MaxAge: 600,
    });
  });

  it('deploys the built app and a config.json naming the API, user pool, client, identity pool and sign-in domain', () => {
    const d = only(t, 'Custom::CDKBucketDeployment');
    expect(d.props.DistributionId).toEqual(ref(dist.id));
    expect(d.props.Prune).toBe(true);
    expect(d.props.SourceObjectKeys).toHaveLength(2);
    const markers = Object.values(d.props.SourceMarkers[1]).map((v: any) => v.Ref);
    expect(markers).toEqual(expect.arrayContaining([expect.stringMatching(/^FindingsApi/), pool.id, client.id, idPool.id, expect.stringMatching(/^ConsoleUsersDomain/)]));
    t.hasOutput('ConsoleUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [dist.id, 'DomainName'] }, '/']] } });
  });

  it('takes mfa: optional and threatProtection: false from the config', () => {
    const tt = Template.fromStack(buildTestApp({ apiscope: { ...BASE, console: { enabled: true, mfa: 'optional', threatProtection: false, domainPrefix: 'bank-apiscope' } } }).stack);
    tt.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL', UserPoolTier: 'ESSENTIALS', UserPoolAddOns: Match.absent() });
    tt.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'bank-apiscope' });
  });

  it('is not deployed unless enabled', () => {
    for (const c of [BASE, { ...BASE, console: { enabled: false } }]) {
      const tt = Template.fromStack(buildTestApp({ apiscope: c }).stack);
      tt.resourceCountIs('AWS::CloudFront::Distribution', 0);
      tt.resourceCountIs('AWS::Cognito::UserPool', 0);
      expect(Object.values(tt.findResources('AWS::ApiGatewayV2::Api')).every((a: any) => a.Properties.CorsConfiguration === undefined)).toBe(true);
    }
  });

  it('refuses bad console options with messages naming the field', () => {
    const issues = (c: unknown) => {
      const r = configSchema.safeParse({ ...BASE, console: c });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ enabled: true, callbackUrls: ['http://apiscope.bank.example/'] })).toEqual(['console.callbackUrls.0: must be an https URL, e.g. https://console.bank.example/']);
    expect(issues({ enabled: true, mfa: 'off' })).toEqual(['console.mfa: must be required or optional']);
    expect(issues({ enabled: true, domainPrefix: 'my-cognito-login' })).toEqual(['console.domainPrefix: must not contain aws, amazon or cognito (Cognito refuses them)']);
    expect(issues({ enabled: true, domainPrefix: 'Bank_Login' })).toEqual(['console.domainPrefix: must be 1-63 lowercase letters, digits and hyphens, e.g. bank-apiscope']);
    expect(issues({ enabled: true, webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/x/0b5e7c3a-1111-2222-3333-444455556666' })).toEqual(['console.webAclArn: must be a global (CLOUDFRONT) WAFv2 web ACL ARN in us-east-1']);
    expect(issues({ enabled: true, signUp: true })[0]).toMatch(/^console: Unrecognized key: "signUp"/);
    expect(issues({ enabled: true })).toEqual([]);
  });

  it('is cdk-nag clean with the console on, in each option set, including the CloudFormation schema validation', () => {
    const on = nagFindings(CONSOLE, true);
    expect(on.findings).toEqual([]);
    expect(nagFindings({ ...BASE, console: { enabled: true, mfa: 'optional', threatProtection: false } }).findings).toEqual([]);
    expect(nagFindings({ ...BASE, console: { enabled: true, webAclArn: 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/apiscope/0b5e7c3a-1111-2222-3333-444455556666' } }).findings).toEqual([]);
    const mine = on.acknowledgements.filter(([where]) => where.includes('/Console/') || where.includes('CDKBucketDeployment'));
    expect(mine.map(([where]) => where.split(' ')[1].replace('Annotation::', ''))).toEqual(expect.arrayContaining(['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4', 'AwsSolutions-L1', 'AwsSolutions-S1']));
    for (const [where, reason] of mine) expect(reason.length, where).toBeGreaterThan(80);
  });

  it('reports a finding when the site bucket loses its access logs (the acknowledgements are specific, the check is live)', () => {
    const { app, outdir } = buildTestApp({ apiscope: CONSOLE }, { nag: true });
    const bucket = app.node.findAll().find((c) => c.node.path.endsWith('Console/SiteBucket/Resource')) as CfnBucket;
    bucket.loggingConfiguration = undefined;
    expect(() => app.synth()).toThrow();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((p: any) => p.violations.map((v: any) => v.ruleName))).toEqual(['AwsSolutions-S1']);
  });
});
