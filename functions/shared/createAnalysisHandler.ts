import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { BatchCollector } from '../../shared/engine/collectBatch.ts';
import { WindowEngine, type EngineOptions, type EnginePorts } from '../../shared/engine/windowEngine.ts';
import type { Analysis, DiscoveryAnalysis } from '../../shared/engine/types.ts';
import type { MetricsSink } from '../../shared/engine/ports.ts';
import { createMasker } from '../../shared/sensitive/maskPath.ts';
import type { FieldMapping } from '../../shared/normalize/fieldMapping.ts';
import type { RuntimeConfig } from '../../shared/config/runtimeConfig.ts';

export interface AnalysisSetup {
  analysis: Analysis<any>;
  discovery?: DiscoveryAnalysis<any>;
}

export interface HandlerDeps {
  ports: Omit<EnginePorts, 'metrics'> & { metrics?: MetricsSink };
  engine: Partial<EngineOptions>;
  hashKey: string;
  fieldMapping?: FieldMapping;
}

export type KinesisHandler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

/** The Lambda handler, plus what the local runner and a scheduled tick need: close everything that is pending. */
export interface AnalysisHandler extends KinesisHandler {
  engine(): Promise<WindowEngine>;
}

/** Powertools Metrics behind the engine's MetricsSink; dimensioned counts go out as single metrics. */
function powertoolsSink(metrics: Metrics): MetricsSink {
  return {
    count(name, value = 1, dimension) {
      if (!dimension) metrics.addMetric(name, MetricUnit.Count, value);
      else {
        const m = metrics.singleMetric();
        m.addDimension('reason', dimension);
        m.addMetric(name, MetricUnit.Count, value);
      }
    },
  };
}

/**
 * The whole Lambda: middy + Powertools logger and metrics around a Powertools batch processor that decodes
 * each Kinesis record, then one engine call per batch (buffer by window, close ready windows). Undecodable
 * records are quarantined, not failed, so a poison record never blocks the shard; a failure to store the
 * batch fails the invocation and Lambda retries it (bisecting), which is safe because buffers are keyed by
 * shard and sequence number.
 *
 * @example
 * export const handler = createAnalysisHandler('discovery', async () => ({ analysis: createDiscoveryAnalysis() }), depsFromEnv);
 */
export function createAnalysisHandler(
  name: string,
  setup: (deps: HandlerDeps & { config?: RuntimeConfig; readText?: (uri: string) => Promise<string> }) => Promise<AnalysisSetup>,
  deps: () => Promise<HandlerDeps & { config?: RuntimeConfig; readText?: (uri: string) => Promise<string> }>,
): AnalysisHandler {
  const logger = new Logger({ serviceName: 'apiscope', persistentKeys: { analysis: name } });
  const metrics = new Metrics({ namespace: 'apiscope', serviceName: name });
  let ready: Promise<{ engine: WindowEngine; masker: ReturnType<typeof createMasker>; d: HandlerDeps }> | null = null;
  const init = () =>
    (ready ??= (async () => {
      const d = await deps();
      const s = await setup(d);
      const ports: EnginePorts = { ...d.ports, metrics: d.ports.metrics ?? powertoolsSink(metrics) };
      return { engine: new WindowEngine(s.analysis, ports, d.engine, s.discovery), masker: createMasker(d.hashKey), d };
    })().catch((e) => { ready = null; throw e; }));

  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  const base = async (event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> => {
    const { engine, masker, d } = await init();
    if (!event.Records?.length) return { batchItemFailures: [] };
    const collector = new BatchCollector(masker, { mapping: d.fieldMapping });
    const shardId = event.Records[0].eventID.split(':')[0] || 'shard';
    const result = await processPartialResponse(
      event,
      async (r: KinesisStreamEvent["Records"][number]) => collector.addRecord(r.kinesis.data, `${shardId}/${r.kinesis.sequenceNumber}`),
      processor,
      { context, throwOnFullBatchFailure: false },
    );
    const first = event.Records[0].kinesis;
    const receivedAt = Math.round(first.approximateArrivalTimestamp * 1000);
    const res = await engine.ingest(shardId, first.sequenceNumber, collector.events, collector.rejected, receivedAt);
    const closed = await engine.closeReady();
    metrics.addMetric('RecordsIn', MetricUnit.Count, collector.records);
    logger.debug('batch', { records: collector.records, events: res.events, late: res.late, rejected: collector.rejectionsByReason(), windowsClosed: closed });
    return result as KinesisStreamBatchResponse;
  };
  const h = middy(base).use(injectLambdaContext(logger)).use(logMetrics(metrics)) as unknown as AnalysisHandler;
  h.engine = async () => (await init()).engine;
  return h;
}
