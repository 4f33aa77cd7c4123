import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import { AwsClient } from 'aws4fetch';
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { createApi, type Send } from './api.ts';
import type { ConsoleConfig } from './config.ts';
import type { Session } from './context.ts';

type Deployed = Extract<ConsoleConfig, { mode: 'deployed' }>;

/**
 * The deployed console's sign-in: Cognito's hosted UI with the authorization-code flow and PKCE
 * (oidc-client-ts; no client secret in a browser), then the identity pool exchanges the ID token for
 * short-lived IAM credentials of the console role, and every API call is signed with SigV4 (aws4fetch) for
 * the Open API's IAM authorizer: the API keeps one authorization model for people, tools and the console.
 * Tokens live in sessionStorage (gone with the tab); credentials only in memory.
 * Resolves to null while the browser is sent to the sign-in page.
 */
export async function signedInSession(c: Deployed): Promise<Session | null> {
  const issuer = `https://cognito-idp.${c.region}.amazonaws.com/${c.userPoolId}`;
  const home = `${location.origin}/`;
  const users = new UserManager({
    authority: issuer,
    client_id: c.userPoolClientId,
    redirect_uri: home,
    post_logout_redirect_uri: home,
    response_type: 'code',
    scope: 'openid email profile',
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    // The endpoints given, not discovered: fewer origins to allow in connect-src, one request less at start.
    metadata: {
      issuer,
      authorization_endpoint: `${c.authDomain}/oauth2/authorize`,
      token_endpoint: `${c.authDomain}/oauth2/token`,
      userinfo_endpoint: `${c.authDomain}/oauth2/userInfo`,
      revocation_endpoint: `${c.authDomain}/oauth2/revoke`,
      end_session_endpoint: `${c.authDomain}/logout`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
    },
    automaticSilentRenew: false,
  });

  const url = new URL(location.href);
  if (url.searchParams.has('code') && url.searchParams.has('state')) {
    const back = await users.signinRedirectCallback();
    history.replaceState(null, '', `/${typeof back.state === 'string' ? back.state : ''}`);
  } else if (url.searchParams.has('error')) {
    throw new Error(`sign-in failed: ${url.searchParams.get('error_description') ?? url.searchParams.get('error')}`);
  }
  const user = await users.getUser();
  if (!user || user.expired || !user.id_token) {
    await users.signinRedirect({ state: location.hash });
    return null;
  }

  const credentials = fromCognitoIdentityPool({
    clientConfig: { region: c.region },
    identityPoolId: c.identityPoolId,
    logins: { [`cognito-idp.${c.region}.amazonaws.com/${c.userPoolId}`]: user.id_token },
  });
  let signer: { client: AwsClient; until: number } | undefined;
  const send: Send = async (method, target, body, headers) => {
    if (!signer || signer.until - Date.now() < 60_000) {
      const k = await credentials();
      signer = {
        client: new AwsClient({ accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, sessionToken: k.sessionToken, service: 'execute-api', region: c.region }),
        until: k.expiration?.getTime() ?? Date.now() + 15 * 60_000,
      };
    }
    return signer.client.fetch(target, { method, body, headers: { accept: 'application/json', ...headers } });
  };
  const name = String(user.profile.email ?? user.profile['cognito:username'] ?? user.profile.sub);
  return {
    api: createApi(c.apiUrl.replace(/\/$/, ''), send),
    config: c,
    user: name,
    signOut: () => {
      void users.removeUser().then(() => {
        location.assign(`${c.authDomain}/logout?client_id=${encodeURIComponent(c.userPoolClientId)}&logout_uri=${encodeURIComponent(home)}`);
      });
    },
  };
}
