import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { decodeGzippedEnvelope, parseEnvelope } from '../shared/ingest/decodeSubscriptionPayload.ts';
import { DecodeError } from '../shared/ingest/errors.ts';

/** One access-log message read from a user's file, with the log event time when the format carries one. */
export interface InputMessage {
  message: string;
  /** CloudWatch Logs event timestamp (ms), when known. */
  logTs?: number;
  /** 1-based line number in the input, for error messages. */
  line: number;
}

export type InputItem = InputMessage | { error: DecodeError; line: number; sample: string };

const CWL_EXPORT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) (.*)$/;

/**
 * Reads any of the input formats `replay` and `discover` accept, line by line, gzip or not:
 * - NDJSON access-log records (one JSON object per line);
 * - CloudWatch Logs export files (`<ISO timestamp> <message>` lines);
 * - raw subscription payloads (one per line: base64 of the gzip, or the JSON envelope itself).
 */
export async function* readInput(file: string): AsyncGenerator<InputItem> {
  const raw = createReadStream(file);
  const head = await new Promise<Buffer>((resolve, reject) => {
    const s = createReadStream(file, { start: 0, end: 1 });
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c as Buffer)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
  const gz = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const l of rl) {
    line++;
    if (!l) continue;
    yield* classifyLine(l, line);
  }
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
    if (e instanceof DecodeError) yield { error: e, line, sample: l.slice(0, 512) };
    else throw e;
  }
}
