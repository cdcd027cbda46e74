import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { ApiError, countyName, getConfig, request } from '../api/client';
import type { RoundProgress } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';
import { formatDateTime, localized } from '../lib/format';
import { stepTitle } from '../lib/steps';
import { navigate } from '../router';

type Row = RoundProgress['counties'][number];

const STATUS_COLOR: Record<string, string> = {
  completed: 'green',
  running: 'processing',
  pending: 'default',
  failed: 'red',
};

/** The city office's view of a year's round: per county, the step it is at and since when. */
export default function RoundsPage({ year: y }: { year?: number }) {
  const { t, lang } = useI18n();
  const thisYear = new Date().getFullYear();
  const year = y ?? thisYear + 1;
  const round = useQuery({
    queryKey: ['round', year],
    queryFn: () => request<RoundProgress>(getConfig().cityApi, `/allocation-rounds/${year}`),
    refetchInterval: 15_000,
  });
  const rows: Row[] = round.data?.counties ?? [];
  const done = rows.filter((r) => r.status === 'completed').length;
  const notFound = round.error instanceof ApiError && round.error.status === 404;
  const stepName = (s: string) => localized(stepTitle(s), lang) || s;
  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('rounds.title')}
        </Typography.Title>
      }
      extra={
        <Select
          aria-label={t('rounds.year')}
          value={year}
          onChange={(v) => navigate({ name: 'rounds', year: v })}
          options={[thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map((v) => ({
            value: v,
            label: `${v}`,
          }))}
          style={{ width: 120 }}
        />
      }
    >
      {notFound && <Alert type="info" showIcon title={t('rounds.none')} />}
      {round.isError && !notFound && <Alert type="error" showIcon title={t('common.error')} />}
      {rows.length > 0 && (
        <Space style={{ marginBottom: 16 }} size="large">
          <Progress type="circle" size={64} percent={Math.round((done / rows.length) * 100)} />
          <Typography.Text>
            {t('rounds.status.completed')} {done} / {rows.length}
          </Typography.Text>
        </Space>
      )}
      <Table<Row>
        rowKey="county"
        loading={round.isLoading}
        dataSource={rows}
        pagination={false}
        size="middle"
        data-testid="round-table"
        columns={[
          { title: t('rounds.county'), key: 'county', render: (_, r) => countyName(r.county, r.countyName) },
          {
            title: t('rounds.step'),
            key: 'step',
            render: (_, r) => {
              const open = r.openSteps ?? [];
              if (open.length)
                return open.map((s) => (
                  <Tag color="blue" key={s}>
                    {stepName(s)}
                  </Tag>
                ));
              return '—';
            },
          },
          {
            title: t('rounds.since'),
            key: 'since',
            // Open steps: since the earliest of them opened; otherwise since the county finished or started.
            render: (_, r) =>
              formatDateTime(r.steps.map((s) => s.since).sort()[0] ?? r.finishedAt ?? r.startedAt),
          },
          {
            title: t('rounds.status'),
            key: 'status',
            render: (_, r) => {
              const s = r.status ?? 'pending';
              const key = `rounds.status.${s}` as MessageKey;
              return (
                <Tag color={STATUS_COLOR[s] ?? 'default'}>
                  {['completed', 'running', 'pending', 'failed'].includes(s) ? t(key) : s}
                </Tag>
              );
            },
          },
        ]}
      />
    </Card>
  );
}
