import type { AnalysisHandler } from '../functions/shared/createAnalysisHandler.ts';

/**
 * End of input: closes every pending window regardless of watermarks, discovery first (the others resolve
 * endpoints against its per-window snapshots), then lets each analysis write out what is still open.
 */
export async function drainAll(handlers: { discovery: AnalysisHandler; others: AnalysisHandler[] }): Promise<void> {
  const d = await handlers.discovery.engine();
  while ((await d.closeReady({ force: true, max: Infinity })) > 0);
  await d.finish();
  for (const h of handlers.others) {
    const e = await h.engine();
    while ((await e.closeReady({ force: true, max: Infinity })) > 0);
    await e.finish();
  }
}
