import { App as AntdApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type Lang, type MessageKey, translate } from './messages';

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

const Ctx = createContext<I18n>({ lang: 'zh', setLang: () => {}, t: (k, v) => translate('zh', k, v) });

const STORE = 'minsheng.lang';

/** Language state (Chinese by default, remembered per browser) and the antd locale that goes with it. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(STORE) === 'en' ? 'en' : 'zh'));
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORE, l);
    document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
    dayjs.locale(l === 'en' ? 'en' : 'zh-cn');
    setLangState(l);
  }, []);
  useMemo(() => dayjs.locale(lang === 'en' ? 'en' : 'zh-cn'), [lang]);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (k, v) => translate(lang, k, v) }), [lang, setLang]);
  return (
    <Ctx.Provider value={value}>
      <ConfigProvider
        locale={lang === 'en' ? enUS : zhCN}
        theme={{ token: { borderRadius: 4, fontFamily: FONT } }}
      >
        <AntdApp>{children}</AntdApp>
      </ConfigProvider>
    </Ctx.Provider>
  );
}

const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif";

/** The current language and the message lookup. */
export function useI18n(): I18n {
  return useContext(Ctx);
}
