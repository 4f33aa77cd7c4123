import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUILT_IN_HASH_KEY, HashKeyError, resolveHashKey } from '../../shared/config/hashKey.ts';

const PARAM = '/apiscope/hash-key';
const put = (name: string, overwrite = '') => `aws ssm put-parameter --name ${name} --type SecureString --value "$(openssl rand -hex 32)"${overwrite}`;
const LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'Apiscope-AnalysisAnalyzeFn', AWS_REGION: 'eu-west-1' };

/** The error resolveHashKey fails with (and that it fails). */
async function failure(env: Record<string, string | undefined>, read: (n: string) => Promise<string | undefined>): Promise<HashKeyError> {
  const warn = vi.fn();
  const e = await resolveHashKey(env, read, warn).then(
    () => { throw new Error('expected a HashKeyError'); },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HashKeyError);
  expect(warn).not.toHaveBeenCalled();
  return e as HashKeyError;
}

describe('the hash key, decided at cold start', () => {
  it('is the SSM parameter when APISCOPE_HASH_KEY_PARAM names one, read once', async () => {
    const read = vi.fn(async () => 'a'.repeat(64));
    await expect(resolveHashKey({ ...LAMBDA, APISCOPE_HASH_KEY_PARAM: PARAM }, read, vi.fn())).resolves.toBe('a'.repeat(64));
    expect(read.mock.calls).toEqual([[PARAM]]);
  });

  it('fails when the parameter does not exist, saying which one to create and how', async () => {
    const e = await failure({ ...LAMBDA, APISCOPE_HASH_KEY_PARAM: PARAM }, async () => {
      throw Object.assign(new Error('Parameter /apiscope/hash-key not found.'), { name: 'GetParameterError', cause: Object.assign(new Error(''), { name: 'ParameterNotFound' }) });
    });
    expect(e.message).toContain(`the SSM parameter ${PARAM} (APISCOPE_HASH_KEY_PARAM) does not exist`);
    expect(e.message).toContain(put(PARAM));
  });

  it('fails when the parameter is too short, with the command that replaces it', async () => {
    const e = await failure({ ...LAMBDA, APISCOPE_HASH_KEY_PARAM: '/team/key' }, async () => 'secret12');
    expect(e.message).toContain('the SSM parameter /team/key (APISCOPE_HASH_KEY_PARAM) holds 8 characters, fewer than 16');
    expect(e.message).toContain(put('/team/key', ' --overwrite'));
  });

  it('fails when the parameter is empty', async () => {
    expect((await failure({ ...LAMBDA, APISCOPE_HASH_KEY_PARAM: PARAM }, async () => undefined)).message).toContain(`${PARAM} (APISCOPE_HASH_KEY_PARAM) has no value`);
  });

  it('fails when the parameter cannot be read, naming the permissions and the SDK error', async () => {
    const e = await failure({ ...LAMBDA, APISCOPE_HASH_KEY_PARAM: PARAM }, async () => {
      throw Object.assign(new Error('User: arn:aws:sts::1:assumed-role/x is not authorized to perform: ssm:GetParameter'), { name: 'AccessDeniedException' });
    });
    expect(e.message).toContain(`${PARAM} (APISCOPE_HASH_KEY_PARAM) could not be read (AccessDeniedException: User: arn:aws:sts::1:assumed-role/x is not authorized`);
    expect(e.message).toContain("the function's role needs ssm:GetParameter on it and kms:Decrypt on its key");
    expect(e.message).toContain(put(PARAM));
  });

  it('fails in AWS Lambda without APISCOPE_HASH_KEY_PARAM, even with a key in the environment', async () => {
    const e = await failure({ ...LAMBDA, APISCOPE_HASH_KEY: 'k'.repeat(32) }, async () => 'never read');
    expect(e.message).toContain('APISCOPE_HASH_KEY_PARAM is not set. In AWS Lambda the key for hashing sensitive values must come from an SSM SecureString');
    expect(e.message).toContain(put('/apiscope/hash-key'));
  });

  it('is APISCOPE_HASH_KEY on a local run, silently', async () => {
    const warn = vi.fn();
    await expect(resolveHashKey({ APISCOPE_HASH_KEY: 'k'.repeat(32) }, async () => 'never read', warn)).resolves.toBe('k'.repeat(32));
    expect(warn).not.toHaveBeenCalled();
  });

  it('is the built-in key on a local run without either setting, with a warning', async () => {
    const warn = vi.fn();
    await expect(resolveHashKey({}, async () => 'never read', warn)).resolves.toBe(BUILT_IN_HASH_KEY);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/hashed with the built-in key, which is public/);
  });
});

describe('functions/analyze at cold start (real Powertools SSM read, SSM mocked: it has no emulator)', () => {
  const ssm = mockClient(SSMClient);
  const saved = { ...process.env };
  afterEach(() => {
    ssm.reset();
    process.env = { ...saved };
    vi.resetModules();
  });
  const coldStart = (param: string) => {
    Object.assign(process.env, { ...LAMBDA, APISCOPE_TABLE: 'apiscope-state', APISCOPE_BUCKET: 'apiscope-findings', APISCOPE_HASH_KEY_PARAM: param, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test' });
    return import('../../functions/analyze/index.ts');
  };

  it('fails its init, before any batch, when the parameter does not exist', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    await expect(coldStart('/apiscope/missing-key')).rejects.toThrow(HashKeyError);
    vi.resetModules();
    await expect(coldStart('/apiscope/missing-key')).rejects.toThrow(
      `the SSM parameter /apiscope/missing-key (APISCOPE_HASH_KEY_PARAM) does not exist. It holds the secret key for hashing sensitive values (at least 16 characters). Create it in this account and region, then let the function start again:\n  ${put('/apiscope/missing-key')}`,
    );
    expect(ssm.commandCalls(GetParameterCommand).map((c) => [c.args[0].input.Name, c.args[0].input.WithDecryption])).toEqual([
      ['/apiscope/missing-key', true],
      ['/apiscope/missing-key', true],
    ]);
  });

  it('starts with the key from the parameter and handles a batch without reading it again', async () => {
    ssm.on(GetParameterCommand, { Name: '/apiscope/good-key' }).resolves({ Parameter: { Name: '/apiscope/good-key', Type: 'SecureString', Value: 'f'.repeat(64) } });
    const { handler } = await coldStart('/apiscope/good-key');
    await expect(handler({ Records: [] }, {} as never)).resolves.toEqual({ batchItemFailures: [] });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });
});
