#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx apiscope ...` works in a checkout without a build step.
// tsx is resolved from this checkout, not from the working directory (`--import tsx` alone looks it up from
// the cwd and fails anywhere outside the repository).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = import.meta.resolve('tsx');
const r = spawnSync(process.execPath, ['--openssl-legacy-provider', '--import', tsx, join(root, 'cli', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN', ...process.env },
});
// A signal ends the child without a status: exit as a shell would (128 + signal number).
process.exit(r.status ?? (r.signal ? 128 + ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }[r.signal] ?? 1) : 1));
