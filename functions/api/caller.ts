/** The IAM authorizer context of an HTTP API event (@types/aws-lambda types cognitoIdentity as null; API Gateway fills it for identity-pool callers). */
interface IamContext {
  userArn?: string | null;
  cognitoIdentity?: { amr?: string[] } | null;
}

/**
 * Who changes triage: the IAM caller's ARN. Console users all come through the identity pool's roles, whose
 * sessions are all named CognitoIdentityCredentials, so the ARN alone would not say which person it was; the
 * user pool subject from the sign-in (`amr`) is added to it: `arn:...:assumed-role/TriagerRole/CognitoIdentityCredentials (cognito:<sub>)`.
 */
export function callerOf(iam: IamContext | undefined): string | undefined {
  const arn = iam?.userArn ?? undefined;
  if (!arn) return undefined;
  const signIn = iam?.cognitoIdentity?.amr?.find((a) => a.includes(':CognitoSignIn:'));
  const sub = signIn?.slice(signIn.lastIndexOf(':') + 1);
  return sub && /^[0-9a-f-]{36}$/.test(sub) ? `${arn} (cognito:${sub})` : arn;
}
