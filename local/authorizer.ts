/**
 * JWT checks as the API Gateway HTTP API JWT authorizer performs them: the token comes from the
 * Authorization header (a `Bearer ` prefix is optional), its signature must verify against the
 * issuer's JWKS (RSA algorithms), `iss` must equal the configured issuer, `aud` or (for access
 * tokens) `client_id` must contain one of the configured audiences, `exp` must be present and in
 * the future, `nbf` and `iat`, when present, in the past. The verified claims reach the function
 * the way API Gateway passes them: every value as a string, arrays as `[a b c]`.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { Clock } from './clock';

export interface JwtAuthorizerConfig {
  issuer: string;
  /** Accepted audiences (app client ids). */
  audience: readonly string[];
  /** The issuer's keys: a key set held in memory, or the URL of its JWKS. */
  jwks: JSONWebKeySet | URL;
  clock: Clock;
}

export type AuthorizerResult =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; reason: string };

/** Payload format 2.0 stringifies claim values; arrays become `[a b c]` (handlers must parse them). */
export function apiGatewayClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v))
      out[k] = `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}]`;
    else if (typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}

/** Builds the authorize function of one HTTP API's JWT authorizer. */
export function createJwtAuthorizer(
  cfg: JwtAuthorizerConfig,
): (authorization: string | undefined) => Promise<AuthorizerResult> {
  const getKey: JWTVerifyGetKey =
    cfg.jwks instanceof URL ? createRemoteJWKSet(cfg.jwks) : createLocalJWKSet(cfg.jwks);
  return async (authorization) => {
    if (!authorization?.trim()) return { ok: false, reason: 'missing Authorization header' };
    const token = authorization.trim().replace(/^bearer\s+/i, '');
    const nowMs = cfg.clock.now();
    const now = Math.floor(nowMs / 1000);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: ['RS256', 'RS384', 'RS512'],
        currentDate: new Date(nowMs),
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) return { ok: false, reason: 'the token has expired' };
      if (e instanceof errors.JWTClaimValidationFailed)
        return { ok: false, reason: `invalid claim ${e.claim}` };
      return { ok: false, reason: 'invalid token' };
    }
    if (payload.iss !== cfg.issuer) return { ok: false, reason: 'the token issuer does not match' };
    const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const clientId = typeof payload.client_id === 'string' ? [payload.client_id] : [];
    if (![...aud, ...clientId].some((a) => cfg.audience.includes(a))) {
      return { ok: false, reason: 'the token audience does not match' };
    }
    if (typeof payload.iat === 'number' && payload.iat > now)
      return { ok: false, reason: 'the token is not valid yet (iat)' };
    const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : null;
    return { ok: true, claims: apiGatewayClaims(payload), scopes: scope };
  };
}
