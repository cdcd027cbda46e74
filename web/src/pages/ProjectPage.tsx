import { useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Result,
  Row,
  Skeleton,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { ApiError, countyApi, countyName, listAll, request } from '../api/client';
import type { FundAccount, HistoryEntry, Project } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';
import { formatAmount, formatDateTime, localized } from '../lib/format';
import { isKnownOrg, orgName } from '../lib/orgs';
import { fundsOf, fundsTotal, sortHistory } from '../lib/project';
import { stepTitle } from '../lib/steps';
import { href } from '../router';

const SOURCE_KEYS = ['central', 'provincial', 'city', 'county'];

/** A project of a county and year: its line, funds by source and the allocation history. */
export default function ProjectPage({ county, id }: { county: string; id: string }) {
  const { t, lang } = useI18n();
  const api = countyApi(county);
  const project = useQuery({
    queryKey: ['project', county, id],
    queryFn: () => request<Project>(api, `/projects/${encodeURIComponent(id)}`),
  });
  const history = useQuery({
    queryKey: ['project-history', county, id],
    queryFn: () => listAll<HistoryEntry>(api, `/projects/${encodeURIComponent(id)}/history`),
  });
  if (project.isLoading) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (project.isError || !project.data) {
    const s = project.error instanceof ApiError ? project.error.status : 500;
    return (
      <Result
        status={s === 403 ? '403' : s === 404 ? '404' : 'error'}
        title={s === 403 ? t('common.forbidden') : s === 404 ? t('common.notFound') : t('common.error')}
        extra={<a href={href({ name: 'projects' })}>{t('projects.title')}</a>}
      />
    );
  }
  const p = project.data;
  const funds = fundsOf(p);
  const schedule = Array.isArray(p.schedule) ? (p.schedule as Array<Record<string, number>>) : [];
  const matching = p.matching as Record<string, number> | undefined;
  const fundCol = (k: 'planned' | 'received' | 'disbursed') => ({
    title: t(`project.${k}` as MessageKey),
    dataIndex: k === 'planned' ? 'amount' : k,
    align: 'right' as const,
    render: formatAmount,
  });
  return (
    <div className="project-page">
      <Card>
        <Space style={{ justifyContent: 'space-between', width: '100%' }} align="center" wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {p.name} <Typography.Text type="secondary">{p.code}</Typography.Text>
          </Typography.Title>
          <Space className="no-print">
            <a href={href({ name: 'projects' })}>← {t('projects.title')}</a>
            <Button onClick={() => window.print()}>{t('task.print')}</Button>
          </Space>
        </Space>
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 4 }} style={{ marginTop: 12 }}>
          <Descriptions.Item label={t('project.county')}>
            {countyName(p.county ?? county, p.countyName)}
          </Descriptions.Item>
          <Descriptions.Item label={t('project.year')}>{p.year}</Descriptions.Item>
          <Descriptions.Item label={t('project.category')}>
            {p.category ? t(`project.category.${p.category}` as MessageKey) : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('project.leadDept')}>
            {isKnownOrg(p.leadDept) ? orgName(p.leadDept, lang) : p.leadDept}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Row gutter={12} style={{ marginTop: 12 }}>
        <Col xs={24} lg={11}>
          <Card title={t('project.funds')} size="small">
            <Table<FundAccount>
              size="small"
              pagination={false}
              rowKey="source"
              dataSource={funds}
              data-testid="project-funds"
              columns={[
                {
                  title: t('project.source'),
                  dataIndex: 'source',
                  render: (s: string) => (SOURCE_KEYS.includes(s) ? t(`fund.${s}` as MessageKey) : s),
                },
                fundCol('planned'),
                fundCol('received'),
                fundCol('disbursed'),
              ]}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0}>
                    <strong>{t('project.total')}</strong>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    <strong>{formatAmount(fundsTotal(funds))}</strong>
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              )}
            />
          </Card>
          <Card title={t('project.lines')} size="small" style={{ marginTop: 12 }}>
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('project.quantity')}>
                {formatAmount(p.quantity)} {String(p.unit ?? '')}
              </Descriptions.Item>
              {p.targets !== undefined && (
                <Descriptions.Item label={t('project.targets')}>{String(p.targets)}</Descriptions.Item>
              )}
              {p.responsibleUnit !== undefined && (
                <Descriptions.Item label={t('project.responsibleUnit')}>
                  {String(p.responsibleUnit)}
                </Descriptions.Item>
              )}
              {p.deadline !== undefined && (
                <Descriptions.Item label={t('project.deadline')}>{String(p.deadline)}</Descriptions.Item>
              )}
              {p.crossYear !== undefined && (
                <Descriptions.Item label={t('project.crossYear')}>
                  {p.crossYear ? (lang === 'en' ? 'Yes' : '是') : lang === 'en' ? 'No' : '否'}
                </Descriptions.Item>
              )}
              {matching && (
                <Descriptions.Item label={t('project.matching')}>
                  {t('fund.city')} {formatAmount(matching.city)} · {t('fund.county')}{' '}
                  {formatAmount(matching.county)}
                </Descriptions.Item>
              )}
            </Descriptions>
            {schedule.length > 0 && (
              <Table
                style={{ marginTop: 12 }}
                size="small"
                title={() => t('project.schedule')}
                rowKey="month"
                pagination={false}
                dataSource={schedule}
                columns={[
                  { title: lang === 'en' ? 'Month' : '月份', dataIndex: 'month' },
                  {
                    title: lang === 'en' ? 'Progress %' : '累计进度（%）',
                    dataIndex: 'progressPct',
                    align: 'right',
                  },
                  {
                    title: lang === 'en' ? 'Disbursed' : '累计拨付（万元）',
                    dataIndex: 'disbursed',
                    align: 'right',
                    render: formatAmount,
                  },
                ]}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={13}>
          <Card title={t('project.history')} size="small" className="history-card">
            {history.isLoading ? (
              <Skeleton active />
            ) : (history.data ?? []).length === 0 ? (
              <Empty description={t('project.noHistory')} />
            ) : (
              <Timeline
                data-testid="project-history"
                items={sortHistory(history.data ?? []).map((h) => {
                  const round = typeof h.round === 'object' ? h.round : undefined;
                  const by = typeof h.by === 'string' ? h.by : h.by?.name;
                  const summary = localized(h.summary, lang);
                  const returned = /退回|return/.test(summary);
                  return {
                    color: returned
                      ? 'red'
                      : /approved|同意|created/.test(`${h.action} ${summary}`)
                        ? 'green'
                        : 'blue',
                    content: (
                      <div className="history-item">
                        <div>
                          <strong>{summary || h.action}</strong>
                          {round?.step && (
                            <Tag style={{ marginLeft: 8 }}>
                              {localized(stepTitle(round.step), lang).split('：')[0] || round.step}
                            </Tag>
                          )}
                        </div>
                        <Typography.Text type="secondary">
                          {[by, formatDateTime(h.at)].filter(Boolean).join(' · ')}
                        </Typography.Text>
                      </div>
                    ),
                  };
                })}
              />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
