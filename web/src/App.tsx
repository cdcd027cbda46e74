import { Button, Dropdown, Empty, Layout, Menu, Space, Spin, Typography } from 'antd';
import { lazy, Suspense, useEffect } from 'react';
import { LoginForm, useAuth } from './auth/AuthProvider';
import { hasRole } from './auth/session';
import { NotificationBell } from './components/NotificationBell';
import { useI18n } from './i18n/I18nProvider';
import { InboxPage } from './pages/InboxPage';
import { href, navigate, type Route, useRoute } from './router';

// The task page carries the form renderer and validators; project and round pages are visited
// less often. Each is its own chunk so the sign-in and the inbox load fast.
const TaskPage = lazy(() => import('./pages/TaskPage'));
const ProjectPage = lazy(() => import('./pages/ProjectPage'));
const ProjectsPage = lazy(() => import('./pages/ProjectsPage'));
const RoundsPage = lazy(() => import('./pages/RoundsPage'));

/** The shell: header with navigation, language switch and user menu, and the routed page. */
export function App() {
  const route = useRoute();
  const { session } = useAuth();

  useEffect(() => {
    if (!session && route.name !== 'login') navigate({ name: 'login' }, true);
    if (session && route.name === 'login') navigate({ name: 'inbox' }, true);
  }, [session, route.name]);

  if (!session || route.name === 'login') return <LoginPage />;
  return (
    <Shell route={route}>
      <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '80px auto' }} />}>
        <Page route={route} />
      </Suspense>
    </Shell>
  );
}

function Page({ route }: { route: Route }) {
  const { t } = useI18n();
  switch (route.name) {
    case 'inbox':
      return <InboxPage />;
    case 'task':
      return <TaskPage key={`${route.county}/${route.id}`} county={route.county} id={route.id} />;
    case 'projects':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage key={`${route.county}/${route.id}`} county={route.county} id={route.id} />;
    case 'rounds':
      return <RoundsPage year={route.year} />;
    default:
      // Empty rather than Result: Result's illustrations would weigh on the first load.
      return (
        <Empty description={t('common.notFound')} style={{ marginTop: 80 }}>
          <a href={href({ name: 'inbox' })}>{t('task.back')}</a>
        </Empty>
      );
  }
}

function Shell({ route, children }: { route: Route; children: React.ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const { session, logout } = useAuth();
  const isCity = hasRole(session, 'city_office', 'admin');
  const selected = route.name === 'task' ? 'inbox' : route.name === 'project' ? 'projects' : route.name;
  const items = [
    { key: 'inbox', label: <a href={href({ name: 'inbox' })}>{t('nav.inbox')}</a> },
    { key: 'projects', label: <a href={href({ name: 'projects' })}>{t('nav.projects')}</a> },
    ...(isCity ? [{ key: 'rounds', label: <a href={href({ name: 'rounds' })}>{t('nav.rounds')}</a> }] : []),
  ];
  const user = session?.user;
  return (
    <Layout className="app-layout">
      <a className="skip-link" href="#main">
        {lang === 'en' ? 'Skip to content' : '跳到主要内容'}
      </a>
      <Layout.Header className="app-header no-print">
        <a className="brand" href={href({ name: 'inbox' })} aria-label={t('appName')}>
          <span className="brand-mark" aria-hidden="true">
            民
          </span>
          <span className="brand-name">{t('appName')}</span>
        </a>
        <nav aria-label={lang === 'en' ? 'Main' : '主导航'} style={{ flex: 1, minWidth: 0 }}>
          <Menu theme="dark" mode="horizontal" selectedKeys={[selected]} items={items} className="app-menu" />
        </nav>
        <Space size="middle">
          <NotificationBell />
          <Button
            type="text"
            className="header-btn"
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
            lang={lang === 'zh' ? 'en' : 'zh-CN'}
          >
            {t('lang.switch')}
          </Button>
          <Dropdown
            menu={{ items: [{ key: 'logout', label: t('auth.signOut'), onClick: logout }] }}
            trigger={['click']}
          >
            <Button type="text" className="header-btn" data-testid="user-menu">
              {user?.name ?? user?.username}
            </Button>
          </Dropdown>
        </Space>
      </Layout.Header>
      <Layout.Content id="main" className="app-content" tabIndex={-1}>
        {children}
      </Layout.Content>
    </Layout>
  );
}

function LoginPage() {
  const { t, lang, setLang } = useI18n();
  return (
    <main className="login-page">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark big" aria-hidden="true">
            民
          </span>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('appName')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('appSub')}</Typography.Text>
          </div>
        </div>
        <Typography.Title level={4} style={{ marginTop: 24 }}>
          {t('auth.title')}
        </Typography.Title>
        <LoginForm />
        <div style={{ textAlign: 'right', marginTop: 12 }}>
          <Button type="link" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t('lang.switch')}
          </Button>
        </div>
      </div>
    </main>
  );
}
