import { ENV } from './env.ts';

/** Shortest key accepted for the HMAC of sensitive values. */
export const MIN_HASH_KEY_LENGTH = 16;

/**
 * The key local runs hash with when no key is given. It is in this source file, so hashes made with it are
 * one-way but not secret: allowed only outside AWS Lambda, and then with a warning.
 */
export const BUILT_IN_HASH_KEY = 'apiscope-default-hash-key';

/** The hash key cannot be had; the message says which parameter to create and how. */
export class HashKeyError extends Error {
  override name = 'HashKeyError';
}

/** Reads one SSM parameter (decrypted); `undefined` when it has no value. Throws the SDK's error otherwise. */
export type ParameterReader = (name: string) => Promise<string | undefined>;

const createCommand = (name: string, overwrite: boolean) =>
  `aws ssm put-parameter --name ${name} --type SecureString --value "$(openssl rand -hex 32)"${overwrite ? ' --overwrite' : ''}`;

function keyError(name: string, problem: string, overwrite = false): HashKeyError {
  return new HashKeyError(
    `apiscope cannot start: the SSM parameter ${name} (${ENV.hashKeyParam}) ${problem}. It holds the secret key for hashing ` +
      `sensitive values (at least ${MIN_HASH_KEY_LENGTH} characters). Create it in this account and region, then let the ` +
      `function start again:\n  ${createCommand(name, overwrite)}`,
  );
}

/**
 * The key for hashing sensitive values, decided once at cold start:
 * - `APISCOPE_HASH_KEY_PARAM` set: that SSM SecureString, which must exist, be readable and hold at least 16
 *   characters; otherwise HashKeyError, so the function fails its init before any batch instead of failing
 *   every batch (or hashing with a key anyone can read).
 * - in AWS Lambda without it: HashKeyError (the stack always sets it; a key in the environment is not a secret).
 * - a local run: `APISCOPE_HASH_KEY`, else the built-in key with a warning.
 *
 * @example
 * const key = await resolveHashKey(process.env, (n) => getParameter(n, { decrypt: true }), console.warn);
 */
export async function resolveHashKey(env: Record<string, string | undefined>, read: ParameterReader, warn: (message: string) => void): Promise<string> {
  const name = env[ENV.hashKeyParam];
  if (name) {
    let value: string | undefined;
    try {
      value = await read(name);
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause ?? (e as Error);
      if (cause.name === 'ParameterNotFound') throw keyError(name, 'does not exist');
      throw keyError(
        name,
        `could not be read (${cause.name}: ${cause.message}); if it exists, the function's role needs ssm:GetParameter on it and ` +
          'kms:Decrypt on its key (the stack grants ssm:GetParameter on the configured hashKeyParameterName)',
      );
    }
    if (!value) throw keyError(name, 'has no value');
    if (value.length < MIN_HASH_KEY_LENGTH) throw keyError(name, `holds ${value.length} characters, fewer than ${MIN_HASH_KEY_LENGTH}`, true);
    return value;
  }
  if (env.AWS_LAMBDA_FUNCTION_NAME) {
    throw new HashKeyError(
      `apiscope cannot start: ${ENV.hashKeyParam} is not set. In AWS Lambda the key for hashing sensitive values must come from an ` +
        `SSM SecureString: set ${ENV.hashKeyParam} to its name (the stack does, from config hashKeyParameterName) and create it:\n  ` +
        createCommand('/apiscope/hash-key', false),
    );
  }
  const local = env[ENV.hashKey];
  if (local) return local;
  warn(
    `apiscope: neither ${ENV.hashKeyParam} nor ${ENV.hashKey} is set; sensitive values are hashed with the built-in key, which is ` +
      'public. Fine for local trials; set one of them for anything you keep.',
  );
  return BUILT_IN_HASH_KEY;
}
