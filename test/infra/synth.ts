import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { buildApp, REPO_ROOT } from '../../infra/apiscopeApp.ts';
import type { ApiscopeStack } from '../../infra/apiscopeStack.ts';
import type { CentralFindingsStack } from '../../infra/centralStack.ts';
import type { CodeLocation } from '../../infra/constructs/apiscopeFunction.ts';

/** Stub handlers, so the infra tests never depend on the real functions being written or bundled. */
export const FIXTURE_CODE: CodeLocation = {
  functionsDir: join(REPO_ROOT, 'test/infra/fixtures/functions'),
  projectRoot: REPO_ROOT,
};

/** The feature flags of cdk.json (not its default configFile), so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const { configFile: _defaultConfig, ...flags } = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
  return flags;
}

export interface Synth {
  app: App;
  stack: ApiscopeStack;
  central?: CentralFindingsStack;
  outdir: string;
}

/** Builds the app with the given context, bundling skipped (asset hashes only), into a temporary outdir. */
export function buildTestApp(
  context: Record<string, unknown>,
  options: { nag?: boolean; code?: CodeLocation; cfnValidate?: boolean } = {},
): Synth {
  const outdir = mkdtempSync(join(tmpdir(), 'apiscope-cdk-'));
  const app = new App({
    outdir,
    // CDK's built-in CloudFormation schema validation (WASM) takes 10-25 s per synth on this machine; one test
    // (nag.test.ts, every option on) runs it, the others skip it.
    builtinCloudFormationValidation: options.cfnValidate ?? false,
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
  });
  const { stack, central } = buildApp(app, { code: options.code ?? FIXTURE_CODE, nag: options.nag ?? false });
  if (!stack) throw new Error('this config has no regional stack');
  return { app, stack, central, outdir };
}

export function templateOf(context: Record<string, unknown>): { template: Template; stack: ApiscopeStack } {
  const { stack } = buildTestApp(context);
  return { template: Template.fromStack(stack), stack };
}

/** Flattened (action, resource) pairs of the inline policies attached to a role; resources as JSON. */
export function policyOf(template: Template, roleId: string): Array<{ action: string; resource: string }> {
  const pairs: Array<{ action: string; resource: string }> = [];
  for (const p of Object.values(template.findResources('AWS::IAM::Policy')) as any[]) {
    if (!p.Properties.Roles.some((r: any) => r.Ref === roleId)) continue;
    for (const s of p.Properties.PolicyDocument.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const action of [s.Action].flat()) for (const resource of [s.Resource].flat()) pairs.push({ action, resource: JSON.stringify(resource) });
    }
  }
  return pairs;
}
