import { createAnalysisHandler } from '../shared/createAnalysisHandler.ts';
import { depsFromEnv } from '../shared/depsFromEnv.ts';
import { analysesFromConfig } from '../shared/analysesFromConfig.ts';

/** Kinesis consumer: OWASP API Top 10 defect checks and custom rules, with lifecycle and alerts. */
export const handler = createAnalysisHandler(
  'defects',
  async (d) => {
    const a = await analysesFromConfig(d.config, d.readText);
    return { analysis: a.defects, discovery: a.discovery };
  },
  () => depsFromEnv(),
);
