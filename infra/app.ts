import { App } from 'aws-cdk-lib';
import { buildApp } from './apiscopeApp.ts';
import { ConfigError } from './config.ts';

// Entry point of `cdk synth` / `cdk deploy` (see cdk.json). Configuration errors end the run with what to fix.
const app = new App();
try {
  const { stack } = buildApp(app);
  for (const name of stack?.skippedFunctions ?? []) {
    console.error(`apiscope: functions/${name}/index.ts does not exist yet; the ${name} function is not part of this synth.`);
  }
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`\n${e.message}\n`);
  process.exit(1);
}
