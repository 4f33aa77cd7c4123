import { fileURLToPath } from 'node:url';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiscopeStack } from './apiscopeStack.ts';
import { CentralFindingsStack } from './centralStack.ts';
import { type ApiscopeConfig, loadConfig } from './config.ts';
import type { CodeLocation } from './constructs/apiscopeFunction.ts';

/** The repository root: esbuild runs there and resolves `functions/<name>/index.ts`. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_CODE: CodeLocation = { functionsDir: `${REPO_ROOT}functions`, projectRoot: REPO_ROOT };

export interface BuildOptions {
  /** Where the function sources are (tests use stub handlers). */
  readonly code?: CodeLocation;
  /** Run the cdk-nag AwsSolutions checks at synth (default true). */
  readonly nag?: boolean;
  /** Stack name (context `stackName`, default "Apiscope"). */
  readonly stackName?: string;
}

/**
 * Reads and validates the config from the app's context, adds the apiscope stack and the cdk-nag checks.
 * Throws ConfigError (with what to fix) when the config is invalid.
 *
 * @example
 * const app = new App();
 * buildApp(app);
 */
export function buildApp(app: App, options: BuildOptions = {}): BuiltApp {
  const config = loadConfig((key) => app.node.tryGetContext(key));
  const stackName = options.stackName ?? (app.node.tryGetContext('stackName') as string | undefined) ?? 'Apiscope';
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const regional = config.logGroupNames.length > 0 || config.createDemoApi;
  const stack = regional ? new ApiscopeStack(app, stackName, { config, code: options.code ?? DEFAULT_CODE, env }) : undefined;
  const central = config.central
    ? new CentralFindingsStack(app, `${stackName}Central`, { sourceAccountIds: config.central.sourceAccountIds, retentionDays: config.retentionDays, env })
    : undefined;
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, stack, central };
}

export interface BuiltApp {
  config: ApiscopeConfig;
  /** The regional stack; absent for a central-only config. */
  stack?: ApiscopeStack;
  central?: CentralFindingsStack;
}
