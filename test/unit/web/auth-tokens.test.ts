import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshTokens, resolveEndpoints, revokeToken } from '../../../web/src/auth/pkce';
import {
  getRefreshToken,
  loadSession,
  saveSession,
  sessionFromToken,
  setRefreshToken,
} from '../../../web/src/auth/session';

const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: unknown) => `${enc({ alg: 'RS256' })}.${enc(claims)}.sig`;

/** A fetch that records its calls and answers with `status` and `body`. */
function recorder(status = 200, body: unknown = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(status === 200 ? JSON.stringify(body) : 'no', { status });
  }) as unknown as typeof fetch;
  return { calls, fn };
}

describe('token endpoints', () => {
  it('finds Cognito’s revocation endpoint beside its token endpoint', async () => {
    const ep = await resolveEndpoints({
      kind: 'cognito',
      domain: 'https://x.auth.ap-east-1.amazoncognito.com/',
    });
    expect(ep.token).toBe('https://x.auth.ap-east-1.amazoncognito.com/oauth2/token');
    expect(ep.revocation).toBe('https://x.auth.ap-east-1.amazoncognito.com/oauth2/revoke');
  });

  it('reads revocation_endpoint from OIDC discovery, and the twin’s endpoints from its config', async () => {
    const { fn } = recorder(200, {
      authorization_endpoint: 'https://idp/a',
      token_endpoint: 'https://idp/t',
      revocation_endpoint: 'https://idp/r',
    });
    expect((await resolveEndpoints({ kind: 'oidc', issuer: 'https://idp' }, fn)).revocation).toBe(
      'https://idp/r',
    );
    const local = await resolveEndpoints({
      kind: 'local',
      tokenEndpoint: 'http://localhost:3000/auth/token',
      revocationEndpoint: 'http://localhost:3000/auth/revoke',
    });
    expect(local).toMatchObject({
      token: 'http://localhost:3000/auth/token',
      revocation: 'http://localhost:3000/auth/revoke',
    });
  });

  it('renews with grant_type=refresh_token and revokes with token + client_id, as forms', async () => {
    const ep = { authorization: '', token: 'https://idp/t', revocation: 'https://idp/r' };
    const cfg = { kind: 'cognito' as const, clientId: 'web' };
    const renew = recorder(200, { id_token: jwt({ sub: 'u' }) });
    expect((await refreshTokens(cfg, ep, 'rt-1', renew.fn)).id_token).toBeDefined();
    expect(renew.calls[0].url).toBe('https://idp/t');
    expect(Object.fromEntries(new URLSearchParams(String(renew.calls[0].init.body)))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'web',
      refresh_token: 'rt-1',
    });
    const revoke = recorder(200);
    expect(await revokeToken(cfg, ep, 'rt-1', revoke.fn)).toBe(true);
    expect(revoke.calls[0].url).toBe('https://idp/r');
    expect(Object.fromEntries(new URLSearchParams(String(revoke.calls[0].init.body)))).toEqual({
      token: 'rt-1',
      client_id: 'web',
    });
    expect(await revokeToken(cfg, { ...ep, revocation: undefined }, 'rt-1', revoke.fn)).toBe(false);
    await expect(refreshTokens(cfg, ep, 'rt-1', recorder(400).fn)).rejects.toThrow(/400/);
  });
});

describe('the session in storage', () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    (globalThis as Record<string, unknown>).localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    };
  });
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).localStorage;
    setRefreshToken(null);
  });

  it('holds the ID token but never the refresh token, which stays in memory', () => {
    setRefreshToken('very-secret-refresh-token');
    saveSession(sessionFromToken(jwt({ sub: 'u', exp: 2_000_000_000, 'cognito:groups': ['admin'] })));
    const stored = [...store.values()].join('');
    expect(stored).not.toContain('very-secret-refresh-token');
    expect(loadSession()?.user.groups).toEqual(['admin']);
    expect(getRefreshToken()).toBe('very-secret-refresh-token');
  });
});
