/**
 * The local identity issuer (stands in for the city stack's Cognito user pool): seeded demo users,
 * an RSA signing key generated once and kept under the data folder, a JWKS and OIDC discovery
 * document, and ID tokens shaped like Cognito's. Served by the gateway under `/auth`:
 *
 * - `GET  /auth/.well-known/openid-configuration`
 * - `GET  /auth/.well-known/jwks.json`
 * - `POST /auth/token` (LOCAL ONLY; the OAuth password grant): form or JSON body
 *   `{grant_type: "password", username, password}` -> `{id_token, access_token, refresh_token,
 *   token_type, expires_in}`, or 400 `{error: "invalid_grant"}`. City functions reach it through
 *   `LOCAL_IDENTITY_URL`. `{grant_type: "refresh_token", refresh_token}` renews the ID token, as
 *   Cognito's token endpoint does (the refresh token itself is not rotated).
 * - `POST /auth/revoke`: `{token, client_id}` revokes a refresh token, as Cognito's
 *   `/oauth2/revoke` does: it can no longer renew anything. ID tokens already issued stay valid until
 *   they expire, because the API's JWT authorizer (here and in AWS) checks them without asking the
 *   issuer. Refresh tokens live in the twin's memory: a restart forgets them.
 * - `GET  /auth/demo-users` (LOCAL ONLY): who can log in, without passwords.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import type { Clock } from './clock';
import { REPO_ROOT } from './config';
import { parseFormOrJson, readBody, sendJson } from './http';

/** A seeded demo user (`local/seed/users.json`). */
export interface DemoUser {
  username: string;
  /** Display name (Chinese). */
  name: string;
  /** Role ids, put in `cognito:groups`. */
  groups: string[];
  /** Org unit id, put in `custom:org`. */
  org: string;
  /** County code for county and project-unit users, put in `custom:county`. */
  county?: string;
}

/** Wrong username or password; the token endpoint answers `invalid_grant`. */
export class InvalidCredentialsError extends Error {
  override name = 'InvalidCredentialsError';
  constructor(message = '用户名或密码错误') {
    super(message);
  }
}

export interface IssuedToken {
  idToken: string;
  /** Seconds. */
  expiresIn: number;
  user: DemoUser;
  /** Renews the ID token at the token endpoint until revoked or expired. */
  refreshToken: string;
}

interface RefreshGrant {
  username: string;
  /** Epoch ms on the twin's clock. */
  expiresAt: number;
  revoked: boolean;
}

export interface LocalIdentityOptions {
  /** Folder for the signing key (`<dataDir>/identity`). */
  dir: string;
  /** `http://localhost:PORT/auth`: the `iss` of every token and the authorizer's issuer. */
  issuer: string;
  /** The app client id: the `aud` of every token and the authorizer's audience. */
  clientId: string;
  password: string;
  clock: Clock;
  /** Defaults to `local/seed/users.json`. */
  users?: DemoUser[];
  /** Token lifetime in seconds (default 3600, as Cognito's default ID token). */
  ttlSeconds?: number;
  /** Refresh token lifetime in seconds (default 12 hours, as the city stack's app client). */
  refreshTtlSeconds?: number;
}

/** Reads the seeded demo users. */
export function loadDemoUsers(file = path.join(REPO_ROOT, 'local/seed/users.json')): DemoUser[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { users: DemoUser[] }).users;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

interface StoredKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The local issuer. Create with {@link LocalIdentity.open}. */
export class LocalIdentity {
  readonly issuer: string;
  readonly clientId: string;
  readonly #clock: Clock;
  readonly #users: Map<string, DemoUser>;
  readonly #passwordHash: Buffer;
  readonly #ttl: number;
  readonly #refreshTtl: number;
  readonly #refresh = new Map<string, RefreshGrant>();
  readonly #privateKey: CryptoKey | Uint8Array;
  readonly #kid: string;
  /** The public keys, as served at `/.well-known/jwks.json`. */
  readonly jwks: JSONWebKeySet;

  private constructor(opts: LocalIdentityOptions, privateKey: CryptoKey | Uint8Array, publicJwk: JWK) {
    this.issuer = opts.issuer;
    this.clientId = opts.clientId;
    this.#clock = opts.clock;
    this.#users = new Map((opts.users ?? loadDemoUsers()).map((u) => [u.username, u]));
    this.#passwordHash = sha256(opts.password);
    this.#ttl = opts.ttlSeconds ?? 3600;
    this.#refreshTtl = opts.refreshTtlSeconds ?? 12 * 3600;
    this.#privateKey = privateKey;
    this.#kid = publicJwk.kid!;
    this.jwks = { keys: [publicJwk] };
  }

  /** Loads the signing key from `dir` (generating and saving it on first use). */
  static async open(opts: LocalIdentityOptions): Promise<LocalIdentity> {
    const file = path.join(opts.dir, 'signing-key.json');
    let stored: StoredKey;
    try {
      stored = JSON.parse(await readFile(file, 'utf8')) as StoredKey;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const { privateKey, publicKey } = await generateKeyPair('RS256', {
        extractable: true,
        modulusLength: 2048,
      });
      const publicJwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(publicJwk);
      stored = {
        privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
        publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
      };
      await mkdir(opts.dir, { recursive: true });
      const tmp = `${file}.tmp`;
      await writeFile(tmp, JSON.stringify(stored), { mode: 0o600 });
      await rename(tmp, file);
    }
    const key = await importJWK(stored.privateJwk, 'RS256');
    return new LocalIdentity(opts, key, stored.publicJwk);
  }

  /** The demo users (no secrets). */
  users(): DemoUser[] {
    return [...this.#users.values()];
  }

  /**
   * Checks a demo user's password and issues an ID token for them.
   * @throws InvalidCredentialsError
   */
  async issueToken(username: string, password: string): Promise<IssuedToken> {
    const user = this.#users.get(username);
    // Always compare, so an unknown user costs the same as a wrong password.
    const ok = timingSafeEqual(sha256(String(password)), this.#passwordHash);
    if (!user || !ok) throw new InvalidCredentialsError();
    const refreshToken = randomBytes(32).toString('base64url');
    this.#forgetExpired();
    this.#refresh.set(refreshToken, {
      username: user.username,
      expiresAt: this.#clock.now() + this.#refreshTtl * 1000,
      revoked: false,
    });
    return { idToken: await this.tokenFor(user), expiresIn: this.#ttl, user, refreshToken };
  }

  /**
   * A new ID token for the holder of a refresh token that is known, unexpired and not revoked.
   * @throws InvalidCredentialsError otherwise
   */
  async refresh(refreshToken: string): Promise<{ idToken: string; expiresIn: number }> {
    const grant = this.#refresh.get(refreshToken);
    const user = grant && this.#users.get(grant.username);
    if (!grant || !user || grant.revoked || grant.expiresAt <= this.#clock.now())
      throw new InvalidCredentialsError('刷新令牌无效或已撤销，请重新登录');
    return { idToken: await this.tokenFor(user), expiresIn: this.#ttl };
  }

  /** Revokes a refresh token (unknown tokens are ignored, as RFC 7009 asks). */
  revoke(refreshToken: string): void {
    const grant = this.#refresh.get(refreshToken);
    if (grant) grant.revoked = true;
  }

  #forgetExpired(): void {
    const now = this.#clock.now();
    for (const [t, g] of this.#refresh) if (g.expiresAt <= now) this.#refresh.delete(t);
  }

  /** An ID token for a user, without a password check (for tests and tools). */
  tokenFor(user: DemoUser): Promise<string> {
    const claims: Record<string, unknown> = {
      'cognito:username': user.username,
      'cognito:groups': user.groups,
      'custom:org': user.org,
      name: user.name,
      token_use: 'id',
      auth_time: Math.floor(this.#clock.now() / 1000),
    };
    if (user.county) claims['custom:county'] = user.county;
    return this.sign({ sub: subjectOf(user.username), ...claims });
  }

  /**
   * Signs arbitrary claims with the issuer's key. `iss`, `aud`, `iat` and `exp` default to this
   * issuer, its client id, now and now + lifetime; pass them in `claims` to override (tests forge
   * wrong-audience or expired tokens this way).
   */
  async sign(claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(this.#clock.now() / 1000);
    const body = {
      iss: this.issuer,
      aud: this.clientId,
      iat: now,
      exp: now + this.#ttl,
      jti: randomUUID(),
      ...claims,
    };
    return new SignJWT(body)
      .setProtectedHeader({ alg: 'RS256', kid: this.#kid, typ: 'JWT' })
      .sign(this.#privateKey);
  }

  /** OIDC discovery document. */
  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/.well-known/jwks.json`,
      token_endpoint: `${this.issuer}/token`,
      revocation_endpoint: `${this.issuer}/revoke`,
      grant_types_supported: ['password', 'refresh_token'],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['none'],
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'name',
        'cognito:username',
        'cognito:groups',
        'custom:org',
        'custom:county',
      ],
    };
  }

  /** Serves `/auth/...`; `subpath` is the path after `/auth`. Returns false when it is not an identity path. */
  async handle(req: IncomingMessage, res: ServerResponse, subpath: string): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && subpath === '/.well-known/openid-configuration') {
      sendJson(res, 200, this.discovery(), { 'cache-control': 'max-age=300' });
      return true;
    }
    if (method === 'GET' && subpath === '/.well-known/jwks.json') {
      sendJson(res, 200, this.jwks, { 'cache-control': 'max-age=300' });
      return true;
    }
    if (method === 'GET' && subpath === '/demo-users') {
      sendJson(
        res,
        200,
        this.users().map(({ username, name, groups, org, county }) => ({
          username,
          name,
          groups,
          org,
          county,
        })),
      );
      return true;
    }
    if (method === 'POST' && subpath === '/token') {
      const params = parseFormOrJson(await readBody(req, 64 * 1024), req.headers['content-type']);
      const grant = params?.grant_type;
      if (grant !== 'password' && grant !== 'refresh_token') {
        sendJson(res, 400, {
          error: 'unsupported_grant_type',
          error_description: 'grant_type must be "password" or "refresh_token"',
        });
        return true;
      }
      const noStore = { 'cache-control': 'no-store' };
      try {
        if (grant === 'refresh_token') {
          const t = await this.refresh(String(params?.refresh_token ?? ''));
          sendJson(
            res,
            200,
            { id_token: t.idToken, access_token: t.idToken, token_type: 'Bearer', expires_in: t.expiresIn },
            noStore,
          );
          return true;
        }
        const t = await this.issueToken(String(params?.username ?? ''), String(params?.password ?? ''));
        sendJson(
          res,
          200,
          // access_token carries the same ID token: the API authorizer accepts either, and only
          // ID tokens carry the custom attributes the API needs (as with Cognito).
          {
            id_token: t.idToken,
            access_token: t.idToken,
            refresh_token: t.refreshToken,
            token_type: 'Bearer',
            expires_in: t.expiresIn,
          },
          noStore,
        );
      } catch (e) {
        if (!(e instanceof InvalidCredentialsError)) throw e;
        sendJson(res, 400, { error: 'invalid_grant', error_description: e.message }, noStore);
      }
      return true;
    }
    if (method === 'POST' && subpath === '/revoke') {
      const params = parseFormOrJson(await readBody(req, 64 * 1024), req.headers['content-type']);
      const token = params?.token;
      if (typeof token !== 'string' || !token) {
        sendJson(res, 400, { error: 'invalid_request', error_description: 'token is required' });
        return true;
      }
      if (params?.client_id !== undefined && params.client_id !== this.clientId) {
        sendJson(res, 400, { error: 'invalid_client', error_description: 'unknown client_id' });
        return true;
      }
      this.revoke(token);
      res.writeHead(200, { 'cache-control': 'no-store', 'content-length': 0 });
      res.end();
      return true;
    }
    return false;
  }
}

/** Stable per username, so a user keeps their `sub` across restarts and data folders. */
function subjectOf(username: string): string {
  const h = createHash('sha256').update(`minsheng-local:${username}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
