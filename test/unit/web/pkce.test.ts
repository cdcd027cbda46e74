import { describe, expect, it } from 'vitest';
import {
  base64Url,
  beginLogin,
  challengeS256,
  createVerifier,
  decodeJwt,
  finishLogin,
  logoutUrl,
  parseCallback,
  resolveEndpoints,
} from '../../../web/src/auth/pkce';

const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: unknown) => `${enc({ alg: 'RS256' })}.${enc(claims)}.sig`;
const endpoints = {
  authorization: 'https://idp.example/authorize',
  token: 'https://idp.example/token',
  endSession: 'https://idp.example/logout',
};

describe('PKCE helpers', () => {
  it('computes the RFC 7636 appendix B challenge', async () => {
    expect(await challengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates verifiers of the requested length from the unreserved alphabet', () => {
    const v = createVerifier(128);
    expect(v).toMatch(/^[A-Za-z0-9\-._~]{128}$/);
    expect(createVerifier()).not.toBe(createVerifier());
    expect(() => createVerifier(42)).toThrow(RangeError);
  });

  it('encodes base64url without padding', () => {
    expect(base64Url(new Uint8Array([251, 255]))).toBe('-_8');
  });

  it('builds an authorization URL with S256 challenge, state and nonce', async () => {
    const { url, pending } = await beginLogin(
      { kind: 'oidc', clientId: 'web', scopes: ['openid'] },
      endpoints,
      'https://app/',
      '#/inbox',
    );
    const u = new URL(url);
    expect(u.origin + u.pathname).toBe('https://idp.example/authorize');
    expect(u.searchParams.get('response_type')).toBe('code');
    expect(u.searchParams.get('client_id')).toBe('web');
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('code_challenge')).toBe(await challengeS256(pending.verifier));
    expect(u.searchParams.get('state')).toBe(pending.state);
    expect(u.searchParams.get('redirect_uri')).toBe('https://app/');
    expect(pending.returnTo).toBe('#/inbox');
  });

  it('reads the callback and ignores ordinary URLs', () => {
    expect(parseCallback('https://app/?code=abc&state=s1#/inbox')).toEqual({
      code: 'abc',
      state: 's1',
      error: undefined,
    });
    expect(parseCallback('https://app/#/inbox')).toBeNull();
    expect(parseCallback('https://app/?error=access_denied&error_description=no&state=s')?.error).toBe('no');
  });

  it('redeems the code with the verifier and checks state and nonce', async () => {
    const pending = {
      state: 's1',
      verifier: 'v'.repeat(64),
      nonce: 'n1',
      redirectUri: 'https://app/',
      returnTo: '#/',
    };
    let sent: URLSearchParams | null = null;
    const fetchFn = (async (_url: string, init: RequestInit) => {
      sent = new URLSearchParams(String(init.body));
      return new Response(JSON.stringify({ id_token: jwt({ nonce: 'n1', sub: 'u' }) }), { status: 200 });
    }) as unknown as typeof fetch;
    const tokens = await finishLogin(
      { kind: 'oidc', clientId: 'web' },
      endpoints,
      { code: 'c', state: 's1' },
      pending,
      fetchFn,
    );
    expect(decodeJwt(tokens.id_token!).sub).toBe('u');
    expect(sent!.get('code_verifier')).toBe(pending.verifier);
    expect(sent!.get('grant_type')).toBe('authorization_code');
    await expect(
      finishLogin(
        { kind: 'oidc', clientId: 'web' },
        endpoints,
        { code: 'c', state: 'other' },
        pending,
        fetchFn,
      ),
    ).rejects.toThrow(/state/);
    const badNonce = (async () =>
      new Response(JSON.stringify({ id_token: jwt({ nonce: 'zz' }) }))) as unknown as typeof fetch;
    await expect(
      finishLogin(
        { kind: 'oidc', clientId: 'web' },
        endpoints,
        { code: 'c', state: 's1' },
        pending,
        badNonce,
      ),
    ).rejects.toThrow(/nonce/);
  });

  it('finds endpoints from config, a Cognito domain, or discovery', async () => {
    expect(
      (await resolveEndpoints({ kind: 'cognito', domain: 'https://x.auth.us-east-1.amazoncognito.com/' }))
        .token,
    ).toBe('https://x.auth.us-east-1.amazoncognito.com/oauth2/token');
    const fetchFn = (async (url: string) => {
      expect(url).toBe('https://issuer.example/.well-known/openid-configuration');
      return new Response(
        JSON.stringify({ authorization_endpoint: 'https://a', token_endpoint: 'https://t' }),
      );
    }) as unknown as typeof fetch;
    expect(await resolveEndpoints({ kind: 'oidc', issuer: 'https://issuer.example/' }, fetchFn)).toEqual({
      authorization: 'https://a',
      token: 'https://t',
      endSession: undefined,
    });
  });

  it('decodes JWT payloads with non-ASCII names', () => {
    expect(decodeJwt(jwt({ name: '张三' })).name).toBe('张三');
  });

  it('builds Cognito and OIDC sign-out URLs', () => {
    expect(logoutUrl({ kind: 'cognito', clientId: 'web' }, endpoints, 'https://app/')).toBe(
      'https://idp.example/logout?client_id=web&logout_uri=https%3A%2F%2Fapp%2F',
    );
    expect(logoutUrl({ kind: 'oidc' }, endpoints, 'https://app/', 'tok')).toContain('id_token_hint=tok');
  });
});
