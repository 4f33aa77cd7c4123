import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * The text of a Secrets Manager secret, read through Powertools parameters (cached for the container's
 * life, so once per cold start). Errors name the secret and the permission it needs, never a value.
 */
export async function readSecretText(secretId: string): Promise<string> {
  try {
    const v = await getSecret(secretId, { maxAge: 3600 });
    if (typeof v !== 'string') throw new Error('it holds binary data, not text');
    return v;
  } catch (e) {
    throw new Error(`cannot read secret ${secretId} (needs secretsmanager:GetSecretValue, and a value put with aws secretsmanager put-secret-value): ${(e as Error).message}`);
  }
}
