import { Alert, Button, Form, Input, Modal } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { ApiError, configureClient, getConfig, request } from '../api/client';
import type { User } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import { navigate } from '../router';
import { beginLogin, decodeJwt, logoutUrl, resolveEndpoints } from './pkce';
import { loadSession, type Session, saveSession, sessionFromToken } from './session';

interface Auth {
  session: Session | null;
  loginLocal: (username: string, password: string) => Promise<void>;
  loginOidc: () => Promise<void>;
  logout: () => void;
}

const Ctx = createContext<Auth | null>(null);

export const PENDING_KEY = 'minsheng.oidc.pending';

/**
 * The session and the two ways to get one (local identity, OIDC + PKCE). A 401 from any request
 * opens a sign-in dialog over the current page and resumes the request afterwards, so the form
 * state of the page stays mounted; for OIDC the page's own local backup restores it after the redirect.
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
      const r = await request<{ token: string; user?: User }>(getConfig().cityApi, '/auth/login', {
        method: 'POST',
        body: { username, password },
      });
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
    saveSession(null);
    sessionRef.current = null;
    setSession(null);
    const cfg = getConfig().auth;
    if (cfg.kind !== 'local' && old) {
      resolveEndpoints(cfg)
        .then((ep) => {
          const u = logoutUrl(cfg, ep, `${window.location.origin}/`, old.token);
          if (u) window.location.assign(u);
          else navigate({ name: 'login' });
        })
        .catch(() => navigate({ name: 'login' }));
      return;
    }
    navigate({ name: 'login' });
  }, []);

  // Wired during the first render, not in an effect: children's effects (the first queries) run
  // before a parent's, and must already send the token.
  const wired = useRef(false);
  if (!wired.current) {
    wired.current = true;
    configureClient({
      token: () => sessionRef.current?.token ?? null,
      onUnauthorized: () => {
        if (!sessionRef.current) {
          navigate({ name: 'login' });
          return Promise.reject(new ApiError(401, 'Unauthorized', 'not signed in'));
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
