import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { logRetentionFor } from './logRetention.ts';

/** Where the function sources and the lockfile are; tests point `functionsDir` at stub handlers. */
export interface CodeLocation {
  /** Folder holding `<name>/index.ts` for each function. */
  readonly functionsDir: string;
  /** Repository root (esbuild's working directory); holds package-lock.json. */
  readonly projectRoot: string;
}

/** esbuild settings shared by every function: ESM, minified, source maps, SDK and DuckDB left out. */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*', '@duckdb/*'],
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  forceDockerBundling: false,
};

export function entryOf(code: CodeLocation, name: string): string {
  return join(code.functionsDir, name, 'index.ts');
}

/** True when `functions/<name>/index.ts` exists (optional functions are deployed only then). */
export function hasEntry(code: CodeLocation, name: string): boolean {
  return existsSync(entryOf(code, name));
}

export interface ApiscopeFunctionProps {
  /** Folder name under functions/ and the Powertools service name. */
  readonly name: string;
  readonly description: string;
  readonly code: CodeLocation;
  readonly environment: Record<string, string>;
  readonly retentionDays: number;
  readonly memorySize: number;
  readonly timeout: Duration;
}

/**
 * A NodejsFunction the apiscope way: Node 24 on arm64, ESM bundle from local esbuild, JSON logs into its own
 * log group with a retention, and its own role that may write only to that log group (no
 * AWSLambdaBasicExecutionRole). Callers add exactly the grants the function needs to `role`.
 *
 * @example
 * const { fn, role } = new ApiscopeFunction(this, 'Report', { name: 'report', ... });
 */
export class ApiscopeFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiscopeFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logRetentionFor(props.retentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', { description: props.description, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    this.fn = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: entryOf(props.code, props.name),
      handler: 'handler',
      projectRoot: props.code.projectRoot,
      depsLockFilePath: join(props.code.projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        // The handlers name their Powertools service after the function; keep the env in step.
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: 'apiscope',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: BUNDLING,
    });
  }
}
