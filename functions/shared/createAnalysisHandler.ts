import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { BatchCollector, createMaskingInterner, type MaskingInterner } from '../../shared/engine/collectBatch.ts';
import { WindowEngine, type EngineAnalysis, type EngineOptions, type EnginePorts } from '../../shared/engine/windowEngine.ts';
import type { MetricsSink } from '../../shared/engine/ports.ts';
import { createMasker } from '../../shared/sensitive/maskPath.ts';
import type { FieldMapping } from '../../shared/normalize/fieldMapping.ts';
import type { RuntimeConfig } from '../../shared/config/runtimeConfig.ts';

export interface AnalysisSetup {
  analysis: EngineAnalysis;
}

/**
 * Records decoded and buffered at a time. A full 10,000-record batch of 100-event payloads is a million
 * events; taken in slices it never has to be in memory at once (each slice is its own buffer object,
 * keyed by its first sequence number, so a redelivered batch slices the same way).
 */
export const RECORDS_PER_SLICE = 500;

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
 * each Kinesis record, then engine calls per slice of the batch (buffer by window) and one per batch
 * (close ready windows). Undecodable
 * records are quarantined, not failed, so a poison record never blocks the shard; a failure to store the
 * batch fails the invocation and Lambda retries it (bisecting), which is safe because buffers are keyed by
 * shard and sequence number.
 *
 * @example
 * export const handler = createAnalysisHandler('analyze', async () => ({ analysis: createPipeline(createDiscoveryAnalysis()) }), depsFromEnv);
 */
export function createAnalysisHandler(
  name: string,
  setup: (deps: HandlerDeps & { config?: RuntimeConfig; readText?: (uri: string) => Promise<string> }) => Promise<AnalysisSetup>,
  deps: () => Promise<HandlerDeps & { config?: RuntimeConfig; readText?: (uri: string) => Promise<string> }>,
): AnalysisHandler {
  const logger = new Logger({ serviceName: 'apiscope', persistentKeys: { analysis: name } });
  const metrics = new Metrics({ namespace: 'apiscope', serviceName: name });
  let ready: Promise<{ engine: WindowEngine; masker: ReturnType<typeof createMasker>; intern: MaskingInterner; metricsSink: MetricsSink; d: HandlerDeps }> | null = null;
  const init = () =>
    (ready ??= (async () => {
      const d = await deps();
      const s = await setup(d);
      const ports: EnginePorts = { ...d.ports, metrics: d.ports.metrics ?? powertoolsSink(metrics) };
      const masker = createMasker(d.hashKey);
      return { engine: new WindowEngine(s.analysis, ports, d.engine), masker, intern: createMaskingInterner(masker), metricsSink: ports.metrics, d };
    })().catch((e) => { ready = null; throw e; }));

  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  const base = async (event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> => {
    const { engine, masker, intern, metricsSink, d } = await init();
    if (!event.Records?.length) return { batchItemFailures: [] };
    // Alerts queued by earlier invocations go out first, before anything that can fail this one: an S3 outage
    // fails ingest (and Lambda retries the batch), but must not hold back alerts that only need SNS. Best effort:
    // a failure here fails nothing (the closes drain again), so this container keeps any alert it has leased and
    // confirms it later, instead of a retry on a new container waiting out the lease.
    const drained = await engine.deliverQueuedAlerts().then(() => true, (e: unknown) => {
      logger.warn('alert outbox drain failed before ingest; the closes drain again', { error: String(e) });
      metricsSink.count('AlertDrainFailed', 1);
      return false;
    });
    const shardId = event.Records[0].eventID.split(':')[0] || 'shard';
    const failures: KinesisStreamBatchResponse['batchItemFailures'] = [];
    let records = 0, events = 0, late = 0;
    for (let i = 0; i < event.Records.length; i += RECORDS_PER_SLICE) {
      const slice = event.Records.slice(i, i + RECORDS_PER_SLICE);
      const collector = new BatchCollector(masker, { mapping: d.fieldMapping, intern });
      const result = (await processPartialResponse(
        { Records: slice },
        // The arrival time bounds event time: no line can move it ahead of when its record reached the stream.
        async (r: KinesisStreamEvent['Records'][number]) => collector.addRecord(r.kinesis.data, `${shardId}/${r.kinesis.sequenceNumber}`, r.kinesis.approximateArrivalTimestamp * 1000),
        processor,
        { context, throwOnFullBatchFailure: false },
      )) as KinesisStreamBatchResponse;
      failures.push(...result.batchItemFailures);
      const first = slice[0].kinesis;
      const res = await engine.ingest(shardId, first.sequenceNumber, collector.events, collector.rejected, Math.round(first.approximateArrivalTimestamp * 1000));
      records += collector.records; events += res.events; late += res.late;
      if (collector.rejected.length) logger.debug('rejected', { rejected: collector.rejectionsByReason() });
      for (const f in collector.truncated) metricsSink.count('FieldsTruncated', collector.truncated[f], f);
    }
    const closed = await engine.closeReady({ drainFirst: !drained });
    metrics.addMetric('RecordsIn', MetricUnit.Count, records);
    logger.debug('batch', { records, events, late, windowsClosed: closed });
    return { batchItemFailures: failures };
  };
  const h = middy(base).use(injectLambdaContext(logger)).use(logMetrics(metrics)) as unknown as AnalysisHandler;
  h.engine = async () => (await init()).engine;
  return h;
}
