import { createAnalysisHandler } from '../shared/createAnalysisHandler.ts';
import { depsFromEnv } from '../shared/depsFromEnv.ts';
import { analysesFromConfig } from '../shared/analysesFromConfig.ts';

/** Kinesis consumer: API inventory and templates. It also quarantines rejected records (once for all three). */
export const handler = createAnalysisHandler(
  'discovery',
  async (d) => ({ analysis: (await analysesFromConfig(d.config, d.readText)).discovery }),
  () => depsFromEnv({ quarantine: true }),
);
