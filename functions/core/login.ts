/**
 * Password login against the twin's local identity (POST /auth/login). In AWS the web app signs in
 * with Cognito directly and this route answers NotFound because no local identity is configured.
 */
import type { Principal } from './auth';
import { principalFromClaims } from './auth';
import { NotFound, Unauthorized } from './errors';

/** What the web app keeps after a login. */
export interface LoginResult {
  token: string;
  expiresAt?: string;
  /** Renews the token at the issuer; the web app keeps it in memory only and revokes it on sign-out. */
  refreshToken?: string;
  user: Omit<Principal, 'sub'> & { sub: string };
}

/** Reads the claims of a JWT without verifying it: the token came straight from the issuer. */
function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) throw new Unauthorized('登录服务返回的令牌无效');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Exchanges a username and password for an ID token at the local identity. */
export async function login(
  identityUrl: string | undefined,
  username: string,
  password: string,
): Promise<LoginResult> {
  if (!identityUrl) throw new NotFound('本环境不提供密码登录');
  const base = identityUrl.replace(/\/+$/, '');
  const url = base.endsWith('/auth/token')
    ? base
    : base.endsWith('/auth')
      ? `${base}/token`
      : `${base}/auth/token`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username, password }),
  });
  if (res.status === 400 || res.status === 401 || res.status === 403 || res.status === 404) {
    throw new Unauthorized('用户名或密码错误');
  }
  if (!res.ok) throw new Error(`identity answered ${res.status}`);
  const body = (await res.json()) as Record<string, unknown>;
  const token = [body.token, body.id_token, body.idToken, body.IdToken].find(
    (t): t is string => typeof t === 'string',
  );
  if (!token) throw new Error('identity returned no token');
  const claims = claimsOf(token);
  const user = principalFromClaims(claims);
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined;
  const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : undefined;
  return { token, expiresAt: exp, user, ...(refreshToken ? { refreshToken } : {}) };
}
