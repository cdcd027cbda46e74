/**
 * Sign-out on the twin behaves as with Cognito behind the HTTP API's JWT authorizer: the login hands
 * out a refresh token; revoking it at `/auth/revoke` stops every renewal; the ID token already issued
 * is still accepted until it expires (the authorizer checks tokens without asking the issuer), and
 * refused after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../local/demo';
import { startTwin, type Twin } from '../../../local/twin';

let twin: Twin;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'minsheng-signout-'));
  twin = await startTwin({
    port: 0,
    dynamodbPort: 0,
    sfnPort: 0,
    dataDir,
    counties: ['340102'],
    log: () => {},
  });
});

afterAll(async () => {
  await twin?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('sign-out revokes', () => {
  it('advertises the revocation endpoint and the refresh grant', async () => {
    const doc = await (await fetch(`${twin.url}/auth/.well-known/openid-configuration`)).json();
    expect(doc.revocation_endpoint).toBe(`${twin.identity.issuer}/revoke`);
    expect(doc.grant_types_supported).toContain('refresh_token');
  });

  it('a revoked refresh token renews nothing; the issued ID token lasts until it expires', async () => {
    const login = await call('POST', `${twin.cityApi}/auth/login`, {
      body: { username: 'county_340102', password: 'minsheng-demo' },
    });
    expect(login.status).toBe(200);
    const { token, refreshToken } = login.body as { token: string; refreshToken: string };
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const renewed = await fetch(
      `${twin.url}/auth/token`,
      form({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'minsheng-web' }),
    );
    expect(renewed.status).toBe(200);
    const fresh = (await renewed.json()) as { id_token: string; refresh_token?: string };
    expect(fresh.id_token).toBeTruthy();
    expect(fresh.refresh_token).toBeUndefined();

    const revoked = await fetch(
      `${twin.url}/auth/revoke`,
      form({ token: refreshToken, client_id: 'minsheng-web' }),
    );
    expect(revoked.status).toBe(200);
    const again = await fetch(
      `${twin.url}/auth/token`,
      form({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    );
    expect(again.status).toBe(400);
    expect((await again.json()).error).toBe('invalid_grant');

    // What the JWT authorizer cannot do: the ID token issued before the sign-out still works...
    expect((await call('GET', `${twin.cityApi}/me`, { token })).status).toBe(200);
    // ...until it expires (an hour on the twin, 15 minutes in AWS).
    twin.advanceClock(3601);
    expect((await call('GET', `${twin.cityApi}/me`, { token })).status).toBe(401);
  });

  it('answers revocation as RFC 7009 and Cognito do', async () => {
    expect(
      (await fetch(`${twin.url}/auth/revoke`, form({ token: 'never-issued', client_id: 'minsheng-web' })))
        .status,
    ).toBe(200);
    const missing = await fetch(`${twin.url}/auth/revoke`, form({ client_id: 'minsheng-web' }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toBe('invalid_request');
    const wrongClient = await fetch(
      `${twin.url}/auth/revoke`,
      form({ token: 'x', client_id: 'someone-else' }),
    );
    expect(wrongClient.status).toBe(400);
  });
});
