import { useQuery } from '@tanstack/react-query';
import { Card, Input, Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { countyName, getConfig, listAll } from '../api/client';
import type { ProjectSummary as Project } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';
import { formatAmount } from '../lib/format';
import { fundsOf, fundsTotal } from '../lib/project';
import { href } from '../router';

/** The projects the user may see for a year, across counties (`GET {cityApi}/projects?year=`). */
export default function ProjectsPage() {
  const { t } = useI18n();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState<number>(
    () => Number(sessionStorage.getItem('projects.year')) || thisYear + 1,
  );
  const [q, setQ] = useState('');
  const projects = useQuery({
    queryKey: ['projects', year],
    queryFn: () => listAll<Project>(getConfig().cityApi, `/projects?year=${year}`),
  });
  const rows = useMemo(() => {
    const n = q.trim().toLowerCase();
    return (projects.data ?? []).filter(
      (p) => !n || [p.name, p.code, countyName(p.county), p.county].join(' ').toLowerCase().includes(n),
    );
  }, [projects.data, q]);
  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('projects.title')}
        </Typography.Title>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          aria-label={t('project.year')}
          value={year}
          onChange={(y) => {
            sessionStorage.setItem('projects.year', String(y));
            setYear(y);
          }}
          options={[thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map((y) => ({
            value: y,
            label: `${y}`,
          }))}
          style={{ width: 120 }}
        />
        <Input.Search
          allowClear
          aria-label={t('inbox.search')}
          placeholder={t('inbox.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 300 }}
        />
      </Space>
      <Table<Project>
        rowKey={(p) => `${p.county}/${p.id}`}
        loading={projects.isLoading}
        dataSource={rows}
        size="middle"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('project.code'), dataIndex: 'code', width: 120 },
          {
            title: t('project.name'),
            key: 'name',
            render: (_, p) => <a href={href({ name: 'project', county: p.county, id: p.id })}>{p.name}</a>,
          },
          { title: t('project.county'), key: 'county', render: (_, p) => countyName(p.county, p.countyName) },
          {
            title: t('project.category'),
            dataIndex: 'category',
            render: (c?: string) => (c ? t(`project.category.${c}` as MessageKey) : ''),
          },
          {
            title: t('project.amount'),
            key: 'total',
            align: 'right',
            render: (_, p) => {
              const f = fundsOf(p);
              return f.length ? formatAmount(fundsTotal(f)) : '';
            },
          },
        ]}
      />
    </Card>
  );
}
