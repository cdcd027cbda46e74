/**
 * The bell in the header: the caller's reminders, escalations and notices with the unread count.
 * Opening one marks it read and goes to its task.
 */
import { BellOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Dropdown, Typography } from 'antd';
import { getConfig, request } from '../api/client';
import type { NotificationPage, NotificationView } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';
import { formatDate, localized } from '../lib/format';
import { navigate } from '../router';

export function NotificationBell() {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: () => request<NotificationPage>(getConfig().cityApi, '/notifications?limit=20'),
    refetchInterval: 30_000,
  });
  const unread = list.data?.unread ?? 0;
  const open = async (n: NotificationView) => {
    if (!n.read) {
      await request(getConfig().cityApi, `/notifications/${encodeURIComponent(n.id)}/read`, {
        method: 'POST',
      }).catch(() => undefined);
      void qc.invalidateQueries({ queryKey: ['notifications'] });
    }
    navigate({ name: 'task', county: n.county, id: n.taskId });
  };
  const items = (list.data?.items ?? []).map((n) => ({
    key: n.id,
    onClick: () => void open(n),
    label: (
      <div className={n.read ? 'notification read' : 'notification'} data-testid="notification">
        <Typography.Text strong={!n.read}>
          {t(`notification.${n.kind}` as MessageKey)}：{localized(n.title, lang)}
        </Typography.Text>
        <br />
        <Typography.Text type="secondary">
          {n.dueAt ? `${t('inbox.due')} ${formatDate(n.dueAt)}` : formatDate(n.at)}
        </Typography.Text>
      </div>
    ),
  }));
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: items.length ? items : [{ key: 'none', disabled: true, label: t('notification.none') }],
      }}
    >
      <Button
        type="text"
        className="header-btn"
        aria-label={t('notification.bell', { n: unread })}
        data-testid="notification-bell"
      >
        <Badge count={unread} size="small" offset={[4, -2]}>
          <BellOutlined style={{ color: 'inherit', fontSize: 18 }} />
        </Badge>
      </Button>
    </Dropdown>
  );
}
