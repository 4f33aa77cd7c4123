import { createAnalysisHandler } from '../shared/createAnalysisHandler.ts';
import { depsFromEnv } from '../shared/depsFromEnv.ts';
import { analysesFromConfig } from '../shared/analysesFromConfig.ts';

/** Kinesis consumer: caller risk scoring with evidence, incidents and alerts. */
export const handler = createAnalysisHandler(
  'scoring',
  async (d) => {
    const a = await analysesFromConfig(d.config, d.readText);
    return { analysis: a.scoring, discovery: a.discovery };
  },
  () => depsFromEnv(),
);
