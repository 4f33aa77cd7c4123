import { createAnalysisHandler, type AnalysisHandler } from '../functions/shared/createAnalysisHandler.ts';
import { buildAnalyses, type AnalysisInputs } from '../functions/shared/buildAnalyses.ts';
import type { EngineOptions } from '../shared/engine/windowEngine.ts';
import type { AlertPublisher, BlobStore, KeyValueStore, MetricsSink, TriagePort } from '../shared/engine/ports.ts';
import type { Pipeline } from '../shared/engine/pipeline.ts';
import type { FieldMapping } from '../shared/normalize/fieldMapping.ts';

export interface LocalPorts {
  kv: KeyValueStore;
  blobs: BlobStore;
  alerts: AlertPublisher;
  metrics: MetricsSink;
  /** Triage the alerts honour: locally the lake folder's (storeTriage over a FileTriageStore); none: untriaged. */
  triage?: TriagePort;
}

export interface LocalHandler extends AnalysisHandler {
  /** The pipeline the handler runs (its per-stage timings feed the benchmark). */
  pipeline: Pipeline;
}

/**
 * The analysis handler exactly as the Lambda entry point builds it, but on the given ports (emulators or
 * local files) instead of ports built from the environment.
 */
export function createLocalHandler(ports: LocalPorts, opts: { hashKey?: string; engine?: Partial<EngineOptions>; inputs?: AnalysisInputs; fieldMapping?: FieldMapping } = {}): LocalHandler {
  const pipeline = buildAnalyses(opts.inputs ?? {}).pipeline;
  const deps = async () => ({ ports, hashKey: opts.hashKey ?? 'apiscope-local-hash-key', engine: { ...opts.engine, quarantine: true }, fieldMapping: opts.fieldMapping });
  const h = createAnalysisHandler('analyze', async () => ({ analysis: pipeline }), deps) as LocalHandler;
  h.pipeline = pipeline;
  return h;
}
