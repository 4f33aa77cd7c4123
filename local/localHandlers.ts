import { createAnalysisHandler, type AnalysisHandler } from '../functions/shared/createAnalysisHandler.ts';
import { buildAnalyses, type AnalysisInputs } from '../functions/shared/buildAnalyses.ts';
import type { EngineOptions } from '../shared/engine/windowEngine.ts';
import type { AlertPublisher, BlobStore, KeyValueStore, MetricsSink } from '../shared/engine/ports.ts';

export interface LocalPorts {
  kv: KeyValueStore;
  blobs: BlobStore;
  alerts: AlertPublisher;
  metrics: MetricsSink;
}

/**
 * The three analysis handlers exactly as the Lambda entry points build them, but on the given ports
 * (emulators or local files) instead of ports built from the environment.
 */
export function createLocalHandlers(ports: LocalPorts, opts: { hashKey?: string; engine?: Partial<EngineOptions>; inputs?: AnalysisInputs } = {}): { discovery: AnalysisHandler; defects: AnalysisHandler; scoring: AnalysisHandler } {
  const analyses = buildAnalyses(opts.inputs ?? {});
  const deps = (quarantine: boolean) => async () => ({ ports, hashKey: opts.hashKey ?? 'apiscope-local-hash-key', engine: { ...opts.engine, quarantine } });
  return {
    discovery: createAnalysisHandler('discovery', async () => ({ analysis: analyses.discovery }), deps(true)),
    defects: createAnalysisHandler('defects', async () => ({ analysis: analyses.defects, discovery: analyses.discovery }), deps(false)),
    scoring: createAnalysisHandler('scoring', async () => ({ analysis: analyses.scoring, discovery: analyses.discovery }), deps(false)),
  };
}
