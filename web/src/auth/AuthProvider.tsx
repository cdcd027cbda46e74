import { Alert, Button, Form, Input, Modal } from 'antd';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { ApiError, configureClient, getConfig, request } from '../api/client';
import type { User } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import { navigate } from '../router';
import { beginLogin, decodeJwt, logoutUrl, refreshTokens, resolveEndpoints, revokeToken } from './pkce';
import {
  getRefreshToken,
  loadSession,
  type Session,
  saveSession,
  sessionFromToken,
  setRefreshToken,
} from './session';

/** Renew this long before the ID token expires. */
const RENEW_BEFORE_MS = 60_000;

/** Renews the ID token with the in-memory refresh token; null when there is none or it is refused. */
async function renewToken(): Promise<string | null> {
  const refresh = getRefreshToken();
  if (!refresh) return null;
  try {
    const cfg = getConfig().auth;
    const tokens = await refreshTokens(cfg, await resolveEndpoints(cfg), refresh);
    return tokens.id_token ?? null;
  } catch {
    // Revoked, expired, or the issuer is unreachable: the user signs in again.
    setRefreshToken(null);
    return null;
  }
}

interface Auth {
  session: Session | null;
  loginLocal: (username: string, password: string) => Promise<void>;
  loginOidc: () => Promise<void>;
  logout: () => void;
}

const Ctx = createContext<Auth | null>(null);

export const PENDING_KEY = 'minsheng.oidc.pending';

/**
 * The session and the two ways to get one (local identity, OIDC + PKCE). The short-lived ID token is
 * renewed with the refresh token (held in memory only) a minute before it expires and on a 401; when
 * that is not possible, a sign-in dialog opens over the current page and resumes the request
 * afterwards, so the form state of the page stays mounted (for OIDC the page's own local backup
 * restores it after the redirect). Sign-out revokes the refresh token at the issuer first.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const [expired, setExpired] = useState(false);
  const waiters = useRef<Array<{ resolve: () => void; reject: (e: unknown) => void }>>([]);

  const adopt = useCallback((token: string, user?: User) => {
    const s = sessionFromToken(token, user);
    saveSession(s);
    sessionRef.current = s;
    setSession(s);
    setExpired(false);
    const w = waiters.current;
    waiters.current = [];
    for (const x of w) x.resolve();
  }, []);

  const loginLocal = useCallback(
    async (username: string, password: string) => {
      const r = await request<{ token: string; user?: User; refreshToken?: string }>(
        getConfig().cityApi,
        '/auth/login',
        { method: 'POST', body: { username, password } },
      );
      setRefreshToken(r.refreshToken);
      adopt(r.token, r.user);
    },
    [adopt],
  );

  const loginOidc = useCallback(async () => {
    const cfg = getConfig().auth;
    const endpoints = await resolveEndpoints(cfg);
    const redirectUri = cfg.redirectUri ?? `${window.location.origin}/`;
    const { url, pending } = await beginLogin(cfg, endpoints, redirectUri, window.location.hash || '#/inbox');
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    window.location.assign(url);
  }, []);

  const logout = useCallback(() => {
    const old = sessionRef.current;
    const refresh = getRefreshToken();
    setRefreshToken(null);
    saveSession(null);
    sessionRef.current = null;
    setSession(null);
    const cfg = getConfig().auth;
    void (async () => {
      let ep: Awaited<ReturnType<typeof resolveEndpoints>> | undefined;
      try {
        ep = await resolveEndpoints(cfg);
        // Revoke before leaving: the refresh token must renew nothing after sign-out.
        if (refresh) await revokeToken(cfg, ep, refresh);
      } catch {
        // The issuer is unreachable: the refresh token dies with this page's memory anyway.
      }
      const u =
        ep && cfg.kind !== 'local' && old
          ? logoutUrl(cfg, ep, `${window.location.origin}/`, old.token)
          : null;
      if (u) window.location.assign(u);
      else navigate({ name: 'login' });
    })();
  }, []);

  // Renew the ID token a minute before it expires, while a refresh token is held.
  useEffect(() => {
    if (!session?.exp || !getRefreshToken()) return;
    const wait = Math.max(0, session.exp * 1000 - Date.now() - RENEW_BEFORE_MS);
    const timer = setTimeout(() => {
      void renewToken().then((token) => {
        if (token) adopt(token, sessionRef.current?.user);
      });
    }, wait);
    return () => clearTimeout(timer);
  }, [session, adopt]);

  // Wired during the first render, not in an effect: children's effects (the first queries) run
  // before a parent's, and must already send the token.
  const wired = useRef(false);
  if (!wired.current) {
    wired.current = true;
    configureClient({
      token: () => sessionRef.current?.token ?? null,
      onUnauthorized: async () => {
        if (!sessionRef.current) {
          navigate({ name: 'login' });
          throw new ApiError(401, 'Unauthorized', 'not signed in');
        }
        const renewed = await renewToken();
        if (renewed) {
          adopt(renewed, sessionRef.current?.user);
          return;
        }
        setExpired(true);
        return new Promise<void>((resolve, reject) => waiters.current.push({ resolve, reject }));
      },
    });
  }

  const value = useMemo<Auth>(
    () => ({ session, loginLocal, loginOidc, logout }),
    [session, loginLocal, loginOidc, logout],
  );
  return (
    <Ctx.Provider value={value}>
      {children}
      <ReauthDialog open={expired} />
    </Ctx.Provider>
  );
}

function ReauthDialog({ open }: { open: boolean }) {
  const { t } = useI18n();
  return (
    <Modal
      open={open}
      title={t('auth.expiredTitle')}
      footer={null}
      closable={false}
      mask={{ closable: false }}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={t('auth.expiredBody')} style={{ marginBottom: 16 }} />
      <LoginForm reauth />
    </Modal>
  );
}

export function useAuth(): Auth {
  const a = useContext(Ctx);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

/** The sign-in form: username + password on the twin, a single-sign-on button for Cognito/OIDC. */
export function LoginForm({ reauth = false, onDone }: { reauth?: boolean; onDone?: () => void }) {
  const { t } = useI18n();
  const { loginLocal, loginOidc, session } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const kind = getConfig().auth.kind;
  if (kind !== 'local') {
    return (
      <Button
        type="primary"
        size="large"
        block
        onClick={() => loginOidc().catch((e) => setError(String(e.message ?? e)))}
      >
        {t('auth.sso')}
      </Button>
    );
  }
  return (
    <Form
      layout="vertical"
      requiredMark={false}
      initialValues={{ username: reauth ? (session?.user.username ?? '') : '' }}
      onFinish={async (v: { username: string; password: string }) => {
        setBusy(true);
        setError(null);
        try {
          await loginLocal(v.username.trim(), v.password);
          onDone?.();
        } catch (e) {
          setError(
            e instanceof ApiError && (e.status === 401 || e.status === 400)
              ? t('auth.failed')
              : t('common.network'),
          );
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form.Item
        label={t('auth.username')}
        name="username"
        rules={[{ required: true, message: t('auth.required', { field: t('auth.username') }) }]}
      >
        <Input autoComplete="username" autoFocus={!reauth} size="large" />
      </Form.Item>
      <Form.Item
        label={t('auth.password')}
        name="password"
        rules={[{ required: true, message: t('auth.required', { field: t('auth.password') }) }]}
      >
        <Input.Password autoComplete="current-password" autoFocus={reauth} size="large" />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Button type="primary" htmlType="submit" size="large" block loading={busy}>
        {t('auth.submit')}
      </Button>
    </Form>
  );
}

/** Claims of the current token (unverified), for role-dependent UI. */
export function useClaims(): Record<string, unknown> {
  const { session } = useAuth();
  return useMemo(() => {
    try {
      return session ? decodeJwt(session.token) : {};
    } catch {
      return {};
    }
  }, [session]);
}
