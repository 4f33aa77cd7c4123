/**
 * Fault injection into the real AWS SDK v3 clients, as middleware: the request really goes to the emulator
 * (or, for `lost-response`, really went) and the client sees an error. Faults are numbered per command
 * (`PutObject`, `PutItem`, `Publish`...), counting every attempt, the SDK's own retries included.
 */

/** `before`: the service never saw the request. `lost-response`: the service did the work, its answer was lost. */
export type FaultMode = 'before' | 'lost-response';

export interface FaultRule {
  command: string;
  /** The first failing call of that command (1-based, counting every attempt). */
  from: number;
  /** How many consecutive calls fail: fewer than the client's attempts is absorbed by its retries. */
  count: number;
  mode?: FaultMode;
  /** Only calls whose input this accepts count for this rule (`from` and `count` number those calls alone). */
  when?: (input: any) => boolean;
}

/** The error a 503 from the service gives: retryable for the SDK, like S3's SlowDown or DynamoDB's 500s. */
export function injectedError(command: string, call: number): Error {
  return Object.assign(new Error(`injected fault: ${command} call #${call}`), { name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } });
}

type Next = (args: unknown) => Promise<unknown>;
/** Any SDK v3 client (their middleware stacks differ in input and output types only). */
interface MiddlewareClient {
  middlewareStack: { add(mw: any, opts: { step: 'deserialize'; name: string }): void };
}

export class Faults {
  /** Calls seen per command. */
  readonly calls: Record<string, number> = {};
  /** Faults injected per command. */
  readonly injected: Record<string, number> = {};

  constructor(private readonly rules: readonly FaultRule[] = []) {}

  private readonly matched = new Map<FaultRule, number>();

  /** Counts a call of `command`; the mode of the fault to inject into it, or null. */
  next(command: string, input?: unknown): FaultMode | null {
    const n = (this.calls[command] = (this.calls[command] ?? 0) + 1);
    const rule = this.rules.find((r) => {
      if (r.command !== command) return false;
      if (!r.when) return n >= r.from && n < r.from + r.count;
      if (!r.when(input)) return false;
      const m = (this.matched.get(r) ?? 0) + 1;
      this.matched.set(r, m);
      return m >= r.from && m < r.from + r.count;
    });
    if (!rule) return null;
    this.injected[command] = (this.injected[command] ?? 0) + 1;
    return rule.mode ?? 'before';
  }

  /** Injects this plan's faults into every call the client makes from now on. */
  attach(client: MiddlewareClient): void {
    client.middlewareStack.add(
      (next: Next, context: { commandName?: string }) => async (args: unknown) => {
        const command = (context.commandName ?? '').replace(/Command$/, '');
        const mode = this.next(command, (args as { input?: unknown }).input);
        if (mode === 'before') throw injectedError(command, this.calls[command]);
        const out = await next(args);
        if (mode === 'lost-response') throw injectedError(command, this.calls[command]);
        return out;
      },
      { step: 'deserialize', name: 'injectFaults' },
    );
  }

  get total(): number {
    return Object.values(this.injected).reduce((s, n) => s + n, 0);
  }
}
