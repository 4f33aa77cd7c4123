/**
 * A mistake the user can fix (a flag, a file, a folder): printed as one line, `apiscope <command>: <message>`,
 * with no stack trace. `exitCode` 2 is a usage error (wrong flags), 1 a problem with what the flags point at.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}

/** A usage error: unknown command or option, missing or malformed flag value. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}
