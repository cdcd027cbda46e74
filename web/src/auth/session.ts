/**
 * The signed-in session. The ID token (short-lived: 15 minutes in AWS) is kept in localStorage so a
 * reload or a new tab stays signed in while it lasts; the refresh token that renews it lives in this
 * module's memory only, never in storage, so a script that reads storage cannot take a long-lived
 * credential, and sign-out revokes it at the issuer.
 */
import type { User } from '../api/types';
import { decodeJwt } from './pkce';

export interface Session {
  token: string;
  user: User;
  /** Epoch seconds from the token's `exp`, when it has one. */
  exp?: number;
}

const KEY = 'minsheng.session';

let refreshToken: string | null = null;

/** The refresh token of this page's sign-in (memory only). */
export function getRefreshToken(): string | null {
  return refreshToken;
}

/** Keeps (or, with null, forgets) the refresh token in memory. */
export function setRefreshToken(token: string | null | undefined): void {
  refreshToken = token ?? null;
}

/** Builds a session from a token, filling the user from the token's claims where the API gave less. */
export function sessionFromToken(token: string, user?: User): Session {
  let claims: Record<string, unknown> = {};
  try {
    claims = decodeJwt(token);
  } catch {
    // An opaque token: the API still decides; the page only loses role hints.
  }
  const groups = (user?.groups ?? user?.roles ?? claims['cognito:groups'] ?? []) as string[];
  return {
    token,
    exp: typeof claims.exp === 'number' ? claims.exp : undefined,
    user: {
      ...user,
      username:
        user?.username ?? (claims['cognito:username'] as string | undefined) ?? (claims.sub as string),
      name: user?.name ?? (claims.name as string | undefined),
      groups,
      org: user?.org ?? (claims['custom:org'] as string | undefined),
      county: user?.county ?? (claims['custom:county'] as string | undefined),
    },
  };
}

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

/** Does the user hold one of these roles? */
export function hasRole(s: Session | null, ...roles: string[]): boolean {
  const g = s?.user.groups ?? [];
  return roles.some((r) => g.includes(r));
}
