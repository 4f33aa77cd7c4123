import { createAnalysisHandler } from '../shared/createAnalysisHandler.ts';
import { depsFromEnv } from '../shared/depsFromEnv.ts';
import { analysesFromConfig } from '../shared/analysesFromConfig.ts';

/**
 * The Kinesis consumer: decodes each batch once and runs discovery (API inventory and templates), the
 * defect checks (OWASP API Top 10 and custom rules) and caller scoring on every closed window. It also
 * quarantines rejected records.
 */
// Cold start: a missing or unreadable hash key (or a bad setting) fails the function's init with what to fix,
// before any batch is taken from the stream.
const deps = await depsFromEnv({ quarantine: true });

export const handler = createAnalysisHandler(
  'analyze',
  async (d) => ({ analysis: (await analysesFromConfig(d.config, d.readText)).pipeline }),
  async () => deps,
);
