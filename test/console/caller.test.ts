import { describe, expect, it } from 'vitest';
import { callerOf } from '../../functions/api/caller.ts';

const ROLE = 'arn:aws:sts::111122223333:assumed-role/Apiscope-ConsoleTriagerRole/CognitoIdentityCredentials';
const iam = (amr: string[] | null, userArn = ROLE) => ({
  accessKey: 'ASIA', accountId: '111122223333', callerId: 'AROA:CognitoIdentityCredentials', principalOrgId: null, userArn, userId: 'AROA:CognitoIdentityCredentials',
  cognitoIdentity: amr ? { amr, identityId: 'eu-west-1:0f6c', identityPoolId: 'eu-west-1:pool' } : null,
}) as never;

describe('who changed triage (functions/api)', () => {
  it('names the signed-in console user: the role session is the same for all of them', () => {
    const sub = '5f0c2a9e-1b7d-4c2e-9a51-3e8d7b6c4a10';
    expect(callerOf(iam(['authenticated', 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC', `cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC:CognitoSignIn:${sub}`]))).toBe(`${ROLE} (cognito:${sub})`);
  });

  it('keeps the IAM ARN alone for other callers, and refuses to append what is not a user pool subject', () => {
    const analyst = 'arn:aws:sts::111122223333:assumed-role/SecurityAnalyst/analyst';
    expect(callerOf(iam(null, analyst))).toBe(analyst);
    expect(callerOf(iam(['authenticated', 'x:CognitoSignIn:not a sub) (admin'], ROLE))).toBe(ROLE);
    expect(callerOf(undefined)).toBeUndefined();
  });
});
