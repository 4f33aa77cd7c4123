import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Aws, CfnOutput, DockerImage, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ApiscopeConfig } from '../config.ts';
import { acknowledgeWildcard } from './acknowledgeWildcard.ts';
import type { FindingsApi } from './findingsApi.ts';

type ConsoleConfig = NonNullable<ApiscopeConfig['console']>;

export interface ConsoleSiteProps {
  readonly config: ConsoleConfig;
  readonly api: FindingsApi;
  readonly retentionDays: number;
  /** Whether a ticket connector is deployed (the console enables its "Create ticket" button). */
  readonly ticketsConfigured: boolean;
  /** The repository root (console/ is bundled from there). */
  readonly projectRoot: string;
}

/** The Cognito group whose members may change triage and open tickets; everyone else signed in may read. */
export const TRIAGER_GROUP = 'apiscope-triagers';

/**
 * The deployed console: the single-page app in a private S3 bucket behind CloudFront (origin access control,
 * HTTPS only, a strict CSP and the other security headers, access logs), Cognito sign-in (hosted UI,
 * authorization code + PKCE, no self sign-up, MFA, a strong password policy, threat protection) and an
 * identity pool that turns a signed-in user into short-lived IAM credentials for the findings API.
 *
 * Why SigV4 from the identity pool rather than a JWT authorizer: the findings API already authorizes every
 * route with IAM, and its reader and triager policies are what people and tools get. The console's users get
 * the same two policies through two roles (members of the `apiscope-triagers` group get the triager role by
 * the token's preferred role, everyone else the reader role), so there is one authorization model and no
 * second set of routes. API Gateway answers the CORS preflight for the console's origin.
 *
 * @example
 * new ConsoleSite(this, 'Console', { config: config.console, api: findingsApi, retentionDays: 400, ticketsConfigured: false, projectRoot });
 */
export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly identityPool: cognito.CfnIdentityPool;
  readonly readerRole: iam.Role;
  readonly triagerRole: iam.Role;
  /** https://<distribution>.cloudfront.net */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const { config, api } = props;
    const region = Stack.of(this).region;

    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logs are delivered with an ACL grant: the bucket must accept ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ id: 'expire-console-logs', expiration: Duration.days(Math.max(props.retentionDays, 90)) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the console distribution and bucket access logs; logging it into itself would log its own log deliveries forever.',
    });

    this.bucket = new s3.Bucket(this, 'SiteBucket', {
      // S3-managed keys: CloudFront's origin access control reads SSE-S3 objects with no key policy to keep in step.
      // The bucket holds only the public build of the app (no findings, no secrets).
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'site-bucket/',
      // The app is rebuilt from the repository on every deploy: nothing here needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${Stack.of(this).stackName}-console`,
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: false },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: config.mfa === 'required' ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: config.threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(config.threatProtection ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (config.mfa === 'optional') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason: 'MFA is optional because the console config says so (console.mfa: optional), for a pool whose users sign in through a corporate policy that already enforces a second factor; the default is required.',
      });
    }
    if (config.threatProtection) {
      // cdk-nag reads the legacy AdvancedSecurityMode property; the Plus plan's standard threat protection in
      // full-function mode is what replaced it, and CloudFormation accepts both on the same pool.
      (this.userPool.node.defaultChild as cognito.CfnUserPool).userPoolAddOns = { advancedSecurityMode: 'ENFORCED' };
    } else {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG3',
        reason: 'Threat protection is switched off in the console config (threatProtection: false) to stay on the Essentials plan; there is no self sign-up, and MFA stays as console.mfa says.',
      });
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: 'The Essentials plan is chosen in the console config (threatProtection: false): threat protection is the only Plus feature the console would use, and it is off by that choice.',
      });
    }

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: config.domainPrefix ?? Fn.join('-', ['apiscope', Aws.ACCOUNT_ID, Aws.REGION]) },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'apiscope console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: this.headersPolicy(region),
      },
      // Hash routes need no rewrites, but a deep link to a missing key (or one OAC answers 403 for) gets the app.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.minutes(1) })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: config.webAclArn,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'The distribution answers on its cloudfront.net name with the default certificate, whose viewer security policy CloudFront fixes at TLSv1; a custom domain with an ACM certificate (and TLSv1.2_2021) is the way to raise it.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Who may use the console is decided by Cognito sign-in with MFA, not by country; a bank with a country policy sets it on the web ACL given as console.webAclArn.',
    });
    if (!config.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason: 'A CloudFront web ACL must live in us-east-1, outside this regional stack; give one as console.webAclArn to attach it. The site serves static files only, and every data call is signed and authorized by the API.',
      });
    }

    const origins_ = [this.url, ...config.callbackUrls.map((u) => new URL(u).origin)];
    const home = `${this.url}/`;
    this.client = this.userPool.addClient('Web', {
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [home, ...config.callbackUrls],
        logoutUrls: [home, ...config.callbackUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.identityPool = new cognito.CfnIdentityPool(this, 'IdentityPool', {
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [{ clientId: this.client.userPoolClientId, providerName: this.userPool.userPoolProviderName, serverSideTokenCheck: true }],
    });
    const signedIn = () =>
      new iam.FederatedPrincipal(
        'cognito-identity.amazonaws.com',
        { StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.ref }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
        'sts:AssumeRoleWithWebIdentity',
      ).withSessionTags();
    this.readerRole = new iam.Role(this, 'ReaderRole', { assumedBy: signedIn(), description: 'apiscope console: signed-in users, read the findings API', managedPolicies: [api.readerPolicy], maxSessionDuration: Duration.hours(1) });
    this.triagerRole = new iam.Role(this, 'TriagerRole', { assumedBy: signedIn(), description: `apiscope console: members of ${TRIAGER_GROUP}, read and triage`, managedPolicies: [api.triagerPolicy], maxSessionDuration: Duration.hours(1) });
    new cognito.CfnUserPoolGroup(this, 'Triagers', { userPoolId: this.userPool.userPoolId, groupName: TRIAGER_GROUP, description: 'may change triage and open tickets in the apiscope console', roleArn: this.triagerRole.roleArn });
    new cognito.CfnIdentityPoolRoleAttachment(this, 'Roles', {
      identityPoolId: this.identityPool.ref,
      roles: { authenticated: this.readerRole.roleArn },
      roleMappings: {
        console: { type: 'Token', ambiguousRoleResolution: 'AuthenticatedRole', identityProvider: Fn.join(':', [this.userPool.userPoolProviderName, this.client.userPoolClientId]) },
      },
    });

    // The console calls the API from its own origin: API Gateway answers the preflight (it never reaches the
    // IAM authorizer) and adds the CORS headers to every answer.
    const cfnApi = api.api.node.defaultChild as apigwv2.CfnApi;
    cfnApi.corsConfiguration = {
      allowOrigins: origins_,
      allowMethods: ['GET', 'PATCH', 'POST'],
      allowHeaders: ['authorization', 'content-type', 'if-match', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'],
      maxAge: 600,
    };

    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(join(props.projectRoot, 'console'), {
          exclude: ['.build', 'dist', 'node_modules'],
          bundling: {
            // Only used if local bundling declined, which it never does: esbuild runs from node_modules, no Docker.
            image: DockerImage.fromRegistry('node:22-alpine'),
            local: {
              tryBundle(outputDir) {
                const r = spawnSync(process.execPath, ['--import', 'tsx', join(props.projectRoot, 'console', 'build.ts'), outputDir], { cwd: props.projectRoot, stdio: 'inherit' });
                if (r.status !== 0) throw new Error(`console build failed (exit ${r.status}); run npm run build:console to see why`);
                return true;
              },
            },
          },
        }),
        s3deploy.Source.jsonData('config.json', {
          mode: 'deployed',
          region,
          apiUrl: api.stage.url,
          userPoolId: this.userPool.userPoolId,
          userPoolClientId: this.client.userPoolClientId,
          identityPoolId: this.identityPool.ref,
          authDomain: this.domain.baseUrl(),
          ticketsConfigured: props.ticketsConfigured,
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      prune: true,
      memoryLimit: 256,
    });

    this.acknowledgeDeployment(deployment);

    new CfnOutput(Stack.of(this), 'ConsoleUrl', { value: home, description: 'the apiscope console (create users in ConsoleUserPoolId; add triagers to the apiscope-triagers group)' });
    new CfnOutput(Stack.of(this), 'ConsoleUserPoolId', { value: this.userPool.userPoolId });
  }

  /**
   * The BucketDeployment's copy function is CDK's own (a singleton custom resource): its runtime, managed
   * logging policy and the grants CDK gives it are not ours to narrow, and it runs only during a deployment.
   */
  private acknowledgeDeployment(deployment: s3deploy.BucketDeployment) {
    const role = deployment.handlerRole;
    const fn = role.node.scope!;
    const why = 'CDK\'s BucketDeployment copies the built console from the CDK asset bucket into the site bucket during a deployment only';
    Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: `${why}; its runtime is pinned by aws-cdk-lib and moves with it.` });
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${why}; the managed policy lets it write its own CloudWatch log group.` });
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: `${why}; ${action} is CDK's grant on exactly the asset bucket and the site bucket (read one, replace and prune the other).` });
    }
    // The wildcard resources as CDK wrote them (the asset bucket's name depends on the environment).
    const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy;
    for (const s of policy.document.toJSON().Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
      const actions = ([] as string[]).concat(s.Action);
      for (const r of ([] as unknown[]).concat(s.Resource)) {
        if (!JSON.stringify(Stack.of(this).resolve(r)).includes('*')) continue;
        const what = actions.some((a) => a.startsWith('cloudfront:'))
          ? 'cloudfront:CreateInvalidation and GetInvalidation have no resource narrower than * in CDK\'s grant; it invalidates /index.html and /config.json of this distribution only'
          : JSON.stringify(Stack.of(this).resolve(r)).includes('cdk-hnb659fds-assets') ? 'it reads the built console from the CDK bootstrap asset bucket, whose object keys are content hashes' : 'it replaces every object of the site bucket and prunes old ones';
        acknowledgeWildcard(role, r as string, `${why}; ${what}.`);
      }
    }
  }

  /**
   * CSP: scripts, styles and images from the site only; connections to the API and Cognito only; no framing.
   * The API is allowed as this region's execute-api hosts: naming its id here would make the distribution
   * depend on the API while the API's CORS names the distribution (a cycle), and only the site's own scripts run.
   */
  private headersPolicy(region: string): cloudfront.ResponseHeadersPolicy {
    const connect = [
      "'self'",
      `https://*.execute-api.${region}.${Aws.URL_SUFFIX}`,
      `https://cognito-identity.${region}.amazonaws.com`,
      `https://cognito-idp.${region}.amazonaws.com`,
      this.domain.baseUrl(),
    ];
    const csp = [
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'", `connect-src ${connect.join(' ')}`,
      "manifest-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'", 'upgrade-insecure-requests',
    ].join('; ');
    return new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'apiscope console: strict CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });
  }
}

