import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { decodeGzippedEnvelope, parseEnvelope } from '../shared/ingest/decodeSubscriptionPayload.ts';
import { DecodeError } from '../shared/ingest/errors.ts';
import { describeUndecodable } from '../shared/ingest/describeUndecodable.ts';
import { EventTimeReference, peekEventTime } from '../shared/normalize/eventTimeReference.ts';

/** One access-log message read from a user's file, with the log event time when the format carries one. */
export interface InputMessage {
  message: string;
  /** CloudWatch Logs event timestamp (ms), when known. */
  logTs?: number;
  /**
   * A robust reference for the line's event time (see EventTimeReference): the line's own time when it agrees
   * with the lines around it, else their median. A file has no stream arrival time; this stands in for it.
   */
  refTs?: number;
  /** 1-based line number in the input, for error messages. */
  line: number;
}

export type InputItem = InputMessage | { error: DecodeError; line: number; sample: string };

const CWL_EXPORT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) (.*)$/;

/** The input file cannot be read to its end: missing, not a file, unreadable, or a broken gzip stream. */
export class InputFileError extends Error {
  override name = 'InputFileError';
  constructor(readonly file: string, readonly afterLine: number, readonly reason: string) {
    super(`${file}: ${reason}${afterLine > 0 ? ` (after line ${afterLine})` : ''}`);
  }
}

const ZLIB_ERRORS = new Set(['Z_BUF_ERROR', 'Z_DATA_ERROR', 'Z_STREAM_ERROR', 'Z_NEED_DICT']);

function reasonOf(e: NodeJS.ErrnoException, gz: boolean): string {
  if (gz && e.code && ZLIB_ERRORS.has(e.code)) return `truncated or corrupt gzip (${e.message})`;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EISDIR') return 'is a directory, not a file';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.message;
}

/**
 * Reads any of the input formats `replay` and `discover` accept, line by line, gzip or not:
 * - NDJSON access-log records (one JSON object per line);
 * - CloudWatch Logs export files (`<ISO timestamp> <message>` lines);
 * - raw subscription payloads (one per line: base64 of the gzip, or the JSON envelope itself).
 * A file that cannot be read to its end throws {@link InputFileError} (bad lines are items, not errors).
 */
export async function* readInput(file: string): AsyncGenerator<InputItem> {
  let gz = false;
  let line = 0;
  const ref = new EventTimeReference<InputItem>();
  try {
    const head = await new Promise<Buffer>((resolve, reject) => {
      const s = createReadStream(file, { start: 0, end: 1 });
      const chunks: Buffer[] = [];
      s.on('data', (c) => chunks.push(c as Buffer)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
    });
    gz = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
    const raw = createReadStream(file);
    const stream = gz ? raw.pipe(createGunzip()) : raw;
    // pipe() does not forward the source's errors; the reader must see them to stop.
    if (gz) raw.on('error', (e) => stream.destroy(e));
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    for await (const l of rl) {
      line++;
      if (!l) continue;
      for (const item of classifyLine(l, line)) yield* referenced(ref.push(item, timeOf(item)));
    }
  } catch (e) {
    if (e instanceof InputFileError || !(e as NodeJS.ErrnoException).code) throw e;
    throw new InputFileError(file, line, reasonOf(e as NodeJS.ErrnoException, gz));
  }
  yield* referenced(ref.flush());
}

function timeOf(item: InputItem): number {
  if ('error' in item) return NaN;
  const t = peekEventTime(item.message);
  return Number.isFinite(t) ? t : item.logTs ?? NaN;
}

function* referenced(refs: Iterable<{ item: InputItem; refTs: number }>): Generator<InputItem> {
  for (const r of refs) {
    if (!('error' in r.item) && Number.isFinite(r.refTs)) r.item.refTs = r.refTs;
    yield r.item;
  }
}

/**
 * What a broken payload line held, decoded as far as it goes (base64, gzip, UTF-8), for the handler to mask
 * and quarantine: never the encoded bytes, which would keep whatever they hold at rest.
 */
function sampleOf(l: string): string {
  const c = describeUndecodable(l);
  return 'text' in c ? c.text.slice(0, 8192) : `undecodable payload line, ${c.binary.length} bytes`;
}

function* classifyLine(l: string, line: number): Generator<InputItem> {
  const c = l.charCodeAt(0);
  if (c === 123 /* { */) {
    if (l.startsWith('{"messageType"') || (l.includes('"logEvents"') && l.includes('"messageType"'))) {
      yield* fromEnvelope(() => parseEnvelope(l), line, l);
      return;
    }
    yield { message: l, line };
    return;
  }
  const m = CWL_EXPORT.exec(l);
  if (m) {
    yield { message: m[2], logTs: Date.parse(m[1]), line };
    return;
  }
  if (/^H4sI[A-Za-z0-9+/=]+$/.test(l)) {
    yield* fromEnvelope(() => decodeGzippedEnvelope(Buffer.from(l, 'base64')), line, l);
    return;
  }
  yield { message: l, line };
}

function* fromEnvelope(decode: () => ReturnType<typeof parseEnvelope>, line: number, l: string): Generator<InputItem> {
  try {
    const p = decode();
    if (p.kind === 'control') return;
    for (const e of p.logEvents) yield { message: e.message, logTs: Number.isFinite(e.timestamp) ? e.timestamp : undefined, line };
  } catch (e) {
    if (e instanceof DecodeError) yield { error: e, line, sample: sampleOf(l) };
    else throw e;
  }
}
