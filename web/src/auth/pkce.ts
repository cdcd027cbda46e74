/**
 * OAuth 2.0 authorization code with PKCE (RFC 7636) for Cognito or any OIDC issuer, built only on
 * Web Crypto and fetch so the same code runs in the browser and in unit tests.
 */

/** Sign-in configuration from `/config.json` (`auth`). */
export interface AuthConfig {
  kind: 'local' | 'cognito' | 'oidc';
  issuer?: string;
  clientId?: string;
  /** Overrides for issuers without discovery, or Cognito's hosted-UI domain (`https://x.auth.<region>.amazoncognito.com`). */
  domain?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  endSessionEndpoint?: string;
  revocationEndpoint?: string;
  scopes?: string[];
  redirectUri?: string;
  [k: string]: unknown;
}

export interface OidcEndpoints {
  authorization: string;
  token: string;
  endSession?: string;
  /** RFC 7009 token revocation (Cognito: `/oauth2/revoke`). */
  revocation?: string;
}

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** Base64url without padding. */
export function base64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A code verifier: 64 characters from the unreserved set (RFC 7636 §4.1 allows 43–128). */
export function createVerifier(length = 64): string {
  if (length < 43 || length > 128) throw new RangeError('PKCE verifier length must be 43..128');
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  // Bytes at or above the largest multiple of the alphabet size are redrawn, so every character is equally likely.
  const limit = 256 - (256 % UNRESERVED.length);
  let i = 0;
  while (out.length < length) {
    if (i >= bytes.length) {
      crypto.getRandomValues(bytes);
      i = 0;
    }
    const b = bytes[i++];
    if (b < limit) out += UNRESERVED[b % UNRESERVED.length];
  }
  return out;
}

/** The S256 challenge of a verifier: base64url(sha256(ascii(verifier))). */
export async function challengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** A random `state` / `nonce` value. */
export function randomToken(bytes = 16): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Where to send the user and where to redeem the code. Explicit endpoints win; a Cognito `domain`
 * gives the hosted-UI paths; otherwise the issuer's discovery document is read.
 */
export async function resolveEndpoints(
  cfg: AuthConfig,
  fetchFn: typeof fetch = fetch,
): Promise<OidcEndpoints> {
  // The twin's local issuer names its token and revocation endpoints (it has no authorization one).
  if (cfg.tokenEndpoint && (cfg.authorizationEndpoint || cfg.kind === 'local')) {
    return {
      authorization: cfg.authorizationEndpoint ?? '',
      token: cfg.tokenEndpoint,
      endSession: cfg.endSessionEndpoint,
      revocation: cfg.revocationEndpoint,
    };
  }
  if (cfg.kind === 'cognito' && cfg.domain) {
    const d = cfg.domain.replace(/\/$/, '');
    return {
      authorization: `${d}/oauth2/authorize`,
      token: `${d}/oauth2/token`,
      endSession: `${d}/logout`,
      revocation: `${d}/oauth2/revoke`,
    };
  }
  if (!cfg.issuer) throw new Error('auth.issuer is missing in config.json');
  const res = await fetchFn(`${cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`OIDC discovery failed: HTTP ${res.status}`);
  const doc = (await res.json()) as Record<string, string>;
  if (!doc.token_endpoint) throw new Error('OIDC discovery lacks endpoints');
  // The twin's local issuer has no authorization endpoint (it signs in with a password).
  if (!doc.authorization_endpoint && cfg.kind !== 'local') throw new Error('OIDC discovery lacks endpoints');
  return {
    authorization: doc.authorization_endpoint ?? '',
    token: doc.token_endpoint,
    endSession: doc.end_session_endpoint,
    revocation: doc.revocation_endpoint,
  };
}

/** The values kept in sessionStorage between leaving for the issuer and coming back. */
export interface PendingLogin {
  state: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
  /** The app route to return to (hash). */
  returnTo: string;
}

/** Builds the authorization URL and the values to keep until the callback. */
export async function beginLogin(
  cfg: AuthConfig,
  endpoints: OidcEndpoints,
  redirectUri: string,
  returnTo: string,
): Promise<{ url: string; pending: PendingLogin }> {
  if (!cfg.clientId) throw new Error('auth.clientId is missing in config.json');
  const verifier = createVerifier();
  const pending: PendingLogin = {
    state: randomToken(),
    verifier,
    nonce: randomToken(),
    redirectUri,
    returnTo,
  };
  const url = new URL(endpoints.authorization);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', (cfg.scopes ?? ['openid', 'profile', 'email']).join(' '));
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', await challengeS256(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.toString(), pending };
}

/** Reads `code`/`state`/`error` from the redirect URL; null when the URL is not a callback. */
export function parseCallback(href: string): { code?: string; state?: string; error?: string } | null {
  const url = new URL(href);
  const code = url.searchParams.get('code') ?? undefined;
  const state = url.searchParams.get('state') ?? undefined;
  const error = url.searchParams.get('error') ?? undefined;
  if (!state || (!code && !error)) return null;
  return { code, state, error: error ? (url.searchParams.get('error_description') ?? error) : undefined };
}

/** Tokens as the token endpoint returns them. */
export interface TokenSet {
  id_token?: string;
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
}

/**
 * Redeems the code: checks `state` against the pending login, posts the verifier, and checks the ID
 * token's `nonce` (the API verifies the signature; the browser only guards against a swapped response).
 */
export async function finishLogin(
  cfg: AuthConfig,
  endpoints: OidcEndpoints,
  callback: { code?: string; state?: string; error?: string },
  pending: PendingLogin | null,
  fetchFn: typeof fetch = fetch,
): Promise<TokenSet> {
  if (callback.error) throw new Error(callback.error);
  if (!pending || callback.state !== pending.state) throw new Error('state mismatch');
  if (!callback.code) throw new Error('authorization code missing');
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: cfg.clientId ?? '',
    code: callback.code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.verifier,
  });
  const res = await fetchFn(endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
  const tokens = (await res.json()) as TokenSet;
  if (!tokens.id_token) throw new Error('token endpoint returned no id_token');
  const claims = decodeJwt(tokens.id_token);
  if (claims.nonce !== undefined && claims.nonce !== pending.nonce) throw new Error('nonce mismatch');
  return tokens;
}

/**
 * Renews the ID token with a refresh token (`grant_type=refresh_token`); Cognito and the twin answer
 * with a new ID token and keep the refresh token as it is.
 */
export async function refreshTokens(
  cfg: AuthConfig,
  endpoints: OidcEndpoints,
  refreshToken: string,
  fetchFn: typeof fetch = fetch,
): Promise<TokenSet> {
  const res = await fetchFn(endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: cfg.clientId ?? '',
      refresh_token: refreshToken,
    }).toString(),
  });
  if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
  const tokens = (await res.json()) as TokenSet;
  if (!tokens.id_token) throw new Error('token endpoint returned no id_token');
  return tokens;
}

/**
 * Revokes a refresh token at the issuer (RFC 7009; Cognito's `/oauth2/revoke`), so it can renew
 * nothing more. Resolves false when the issuer offers no revocation or refuses.
 */
export async function revokeToken(
  cfg: AuthConfig,
  endpoints: OidcEndpoints,
  token: string,
  fetchFn: typeof fetch = fetch,
): Promise<boolean> {
  if (!endpoints.revocation) return false;
  const res = await fetchFn(endpoints.revocation, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: cfg.clientId ?? '' }).toString(),
  });
  return res.ok;
}

/** The payload of a JWT, unverified (the API verifies; the browser only reads names, roles, expiry). */
export function decodeJwt(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const b64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** The issuer's sign-out URL, when it has one (Cognito wants `client_id` + `logout_uri`). */
export function logoutUrl(
  cfg: AuthConfig,
  endpoints: OidcEndpoints,
  returnUri: string,
  idToken?: string,
): string | null {
  if (!endpoints.endSession) return null;
  const url = new URL(endpoints.endSession);
  if (cfg.kind === 'cognito') {
    url.searchParams.set('client_id', cfg.clientId ?? '');
    url.searchParams.set('logout_uri', returnUri);
  } else {
    url.searchParams.set('post_logout_redirect_uri', returnUri);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
  }
  return url.toString();
}
