import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { countyName, getConfig, listAll } from '../api/client';
import type { TaskSummary } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import { formatDate, isOverdue, localized } from '../lib/format';
import { assignedOrg, isKnownOrg, orgName } from '../lib/orgs';
import { href } from '../router';

type Status = 'open' | 'done';

/** 待办: the signed-in user's open or done tasks across counties, with filters and search. */
export function InboxPage() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<Status>(() =>
    sessionStorage.getItem('inbox.status') === 'done' ? 'done' : 'open',
  );
  const [county, setCounty] = useState<string | undefined>();
  const [step, setStep] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const tasks = useQuery({
    queryKey: ['tasks', status],
    queryFn: () => listAll<TaskSummary>(getConfig().cityApi, `/tasks?status=${status}`),
    refetchInterval: 15_000,
  });

  const rows = tasks.data ?? [];
  const stepLabel = (r: TaskSummary) => localized(r.title, lang) || r.step;
  // biome-ignore lint/correctness/useExhaustiveDependencies: step labels depend on the language
  const steps = useMemo(() => {
    const m = new Map<string, string>();
    for (const r of rows) m.set(r.step, stepLabel(r));
    return [...m].map(([value, label]) => ({ value, label }));
  }, [rows, lang]);
  const counties = useMemo(
    () => [...new Set(rows.map((r) => r.county))].map((c) => ({ value: c, label: countyName(c) })),
    [rows],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: search matches step labels in the current language
  const filtered = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return rows
      .filter((r) => (!county || r.county === county) && (!step || r.step === step))
      .filter((r) => {
        if (!needle) return true;
        const hay = [
          localized(r.title, 'zh'),
          localized(r.title, 'en'),
          countyName(r.county),
          r.county,
          orgName(assignedOrg(r), 'zh'),
          orgName(assignedOrg(r), 'en'),
          stepLabel(r),
          String(r.year ?? ''),
        ]
          .join(' ')
          .toLowerCase();
        return hay.includes(needle);
      })
      .sort((a, b) => (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9'));
  }, [rows, county, step, q, lang]);

  const now = new Date();
  const columns: ColumnsType<TaskSummary> = [
    {
      title: t('inbox.titleCol'),
      key: 'title',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <a href={href({ name: 'task', county: r.county, id: r.id })} className="task-link">
            {localized(r.title, lang) || r.id}
          </a>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {lang === 'en'
              ? `${countyName(r.county, r.countyName)} · ${r.year ?? ''}`
              : `${countyName(r.county, r.countyName)} · ${r.year ?? ''} 年度`}
            {isKnownOrg(assignedOrg(r)) && ` · ${orgName(assignedOrg(r), lang)}`}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('inbox.step'),
      key: 'step',
      width: 200,
      render: (_, r) => <Tag color="blue">{stepLabel(r)}</Tag>,
    },
    {
      title: t('inbox.county'),
      key: 'county',
      width: 200,
      render: (_, r) => countyName(r.county, r.countyName),
    },
    { title: t('inbox.year'), dataIndex: 'year', key: 'year', width: 90 },
    {
      title: t('inbox.due'),
      key: 'due',
      width: 170,
      sorter: (a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''),
      render: (_, r) => {
        const over = isOverdue(r.dueAt, now, r.status ?? status);
        return (
          <span className={over ? 'overdue' : undefined}>
            {formatDate(r.dueAt)}
            {over && (
              <Tag color="red" style={{ marginLeft: 8 }}>
                {t('inbox.overdue')}
              </Tag>
            )}
          </span>
        );
      },
    },
  ];

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('inbox.title')}
        </Typography.Title>
      }
      extra={
        <Segmented<Status>
          aria-label={t('inbox.title')}
          value={status}
          onChange={(v) => {
            sessionStorage.setItem('inbox.status', v);
            setStatus(v);
          }}
          options={[
            { value: 'open', label: t('inbox.open') },
            { value: 'done', label: t('inbox.done') },
          ]}
        />
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('inbox.search')}
          aria-label={t('inbox.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 300 }}
        />
        <Select
          allowClear
          aria-label={t('inbox.county')}
          placeholder={t('inbox.allCounties')}
          options={counties}
          value={county}
          onChange={setCounty}
          style={{ width: 200 }}
        />
        <Select
          allowClear
          aria-label={t('inbox.step')}
          placeholder={t('inbox.allSteps')}
          options={steps}
          value={step}
          onChange={setStep}
          style={{ width: 200 }}
        />
        <Typography.Text type="secondary" data-testid="inbox-count">
          {t('inbox.count', { n: filtered.length })}
        </Typography.Text>
      </Space>
      {tasks.isError && (
        <Alert
          type="error"
          showIcon
          title={t('common.error')}
          action={<Button onClick={() => tasks.refetch()}>{t('common.retry')}</Button>}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<TaskSummary>
        rowKey={(r) => `${r.county}/${r.id}`}
        columns={columns}
        dataSource={filtered}
        loading={tasks.isLoading}
        size="middle"
        pagination={{ pageSize: 20, showSizeChanger: true, hideOnSinglePage: true }}
        locale={{ emptyText: t('inbox.empty') }}
        data-testid="inbox-table"
      />
    </Card>
  );
}
