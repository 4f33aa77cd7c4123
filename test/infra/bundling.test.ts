import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp, DEFAULT_CODE } from '../../infra/apiscopeApp.ts';
import { ANALYSIS_FUNCTIONS } from '../../infra/constructs/analysisFunctions.ts';
import { cdkJsonContext } from './synth.ts';

// Real esbuild bundling of functions/<name>/index.ts (about 5-15 s): what `cdk deploy` ships.
const OPTIONAL = ['report', 'api', 'tickets'].filter((n) => existsSync(join(DEFAULT_CODE.functionsDir, n, 'index.ts')));

describe('real bundling', () => {
  it('bundles each function to an ESM index.mjs with the AWS SDK left out', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'apiscope-bundle-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { ...cdkJsonContext(), apiscope: { createDemoApi: true, tickets: { connector: 'webhook', baseUrl: 'https://hooks.bank.example/apiscope' } } } });
    buildApp(app, { nag: false });
    app.synth();
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    expect(assets).toHaveLength(ANALYSIS_FUNCTIONS.length + OPTIONAL.length);
    for (const a of assets) {
      const code = readFileSync(join(outdir, a, 'index.mjs'), 'utf8');
      expect(code).toMatch(/createRequire/);
      expect(code).toMatch(/from\s*"@aws-sdk\/client-[a-z0-9-]+"/);
      expect(code).not.toMatch(/from\s*"@duckdb/);
      expect(code).toMatch(/export\s*\{[^}]*handler/);
    }
  });
});
