import type { AnalysisHandler } from '../functions/shared/createAnalysisHandler.ts';

/** End of input: closes every pending window regardless of watermarks, then writes out what is still open. */
export async function drainAll(handler: AnalysisHandler): Promise<void> {
  const e = await handler.engine();
  while ((await e.closeReady({ force: true, max: Infinity })) > 0);
  await e.finish();
}
