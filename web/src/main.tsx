import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiError, getConfig, loadConfig } from './api/client';
import { AuthProvider, PENDING_KEY } from './auth/AuthProvider';
import { finishLogin, parseCallback, resolveEndpoints } from './auth/pkce';
import { saveSession, sessionFromToken, setRefreshToken } from './auth/session';
import { I18nProvider } from './i18n/I18nProvider';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      // 4xx answers are final; only network trouble and 5xx are worth another try.
      retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
    },
  },
});

/** Comes back from the OIDC issuer with `?code&state`: redeem, store the session, clean the URL. */
async function completeOidcCallback(): Promise<void> {
  const cb = parseCallback(window.location.href);
  if (!cb) return;
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? JSON.parse(raw) : null;
  const cfg = getConfig().auth;
  const tokens = await finishLogin(cfg, await resolveEndpoints(cfg), cb, pending);
  saveSession(sessionFromToken(tokens.id_token!));
  // Memory only: never written to storage, revoked on sign-out.
  setRefreshToken(tokens.refresh_token);
  window.history.replaceState(null, '', `${window.location.pathname}${pending?.returnTo ?? '#/inbox'}`);
}

async function boot() {
  const root = createRoot(document.getElementById('root')!);
  try {
    await loadConfig();
    await completeOidcCallback();
  } catch (e) {
    root.render(<pre role="alert">{`启动失败 / Failed to start: ${(e as Error).message}`}</pre>);
    return;
  }
  root.render(
    <StrictMode>
      <I18nProvider>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <App />
          </AuthProvider>
        </QueryClientProvider>
      </I18nProvider>
    </StrictMode>,
  );
}

void boot();
