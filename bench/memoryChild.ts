/**
 * One 10,000-record batch through the analysis handler in a fresh process, as a Lambda container would see
 * it: prints the process's peak resident memory (kernel maxRSS, so no sampling gaps) and heap as JSON.
 * Started by bench/run.ts with the path of a JSON file holding the Kinesis records.
 */
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { createLocalHandler } from '../local/localHandlers.ts';
import { MemoryKeyValueStore } from '../local/memoryKeyValueStore.ts';
import { JsonlAlertSink } from '../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../local/countingMetrics.ts';
import { FileBlobStore } from '../local/fileBlobStore.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const records = JSON.parse(readFileSync(process.argv[2], 'utf8')) as KinesisStreamEvent['Records'];
// S3 keeps the objects, not the function: a folder stands in for the bucket, so the figure is the function's own.
const dir = mkdtempSync(join(tmpdir(), 'apiscope-mem-'));
const blobs = new FileBlobStore(dir);
const h = createLocalHandler({ kv: new MemoryKeyValueStore(), blobs, alerts: new JsonlAlertSink(), metrics: new CountingMetrics() });
(globalThis as { gc?: () => void }).gc?.();
const heap0 = process.memoryUsage().heapUsed;
let peakHeap = heap0;
const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 2);
const ctx = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 900_000 } as unknown as Context;
const res = await h({ Records: records }, ctx);
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
console.log(JSON.stringify({ records: records.length, failures: res.batchItemFailures.length, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), peak_heap_mb: Math.round(peakHeap / 1e6), heap_before_mb: Math.round(heap0 / 1e6) }));
