import { Card, Segmented, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { getForm, hasForm } from '../../../forms/index';
import type { PreviousSubmission } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import { diffLines, findLines, type LineDiff } from '../lib/diff';
import { formatDateTime } from '../lib/format';
import { at, type Column, cellText, columnsOf, itemSchemaAt, titleOf } from '../lib/schemaColumns';

const STATUS_COLOR = { added: 'green', removed: 'red', changed: 'gold', same: 'default' } as const;

/** The columns of a round's lines, from the form version it was submitted on. */
function roundColumns(r: PreviousSubmission | undefined): Column[] {
  if (!r?.formId || r.formVersion === undefined || !hasForm(r.formId, Number(r.formVersion))) return [];
  const def = getForm(r.formId, Number(r.formVersion));
  const { item, ui } = itemSchemaAt(def.schema, def.uiSchema, '/lines');
  return columnsOf(item, ui).filter((c) => c.type !== 'array');
}

function roundLabel(r: PreviousSubmission, lang: 'zh' | 'en', i: number): string {
  const name = r.stepTitle || r.step || `#${i + 1}`;
  const short = name.split('：')[0];
  const attempt =
    typeof r.attempt === 'number' ? (lang === 'en' ? ` #${r.attempt}` : ` 第${r.attempt}次`) : '';
  return `${short}${attempt}${r.at ? ` ${formatDateTime(r.at).slice(5)}` : ''}`;
}

/**
 * The previous round beside the current one. Filling a form: per line, what changed since the chosen
 * round (field, before → after). Reviewing: the submission under review in full, with the cells that
 * changed since the submission before it highlighted. Paginated, so hundreds of lines stay light.
 */
export function ComparePanel({
  rounds,
  initial = 0,
  current,
  cols,
  lang,
  review,
  lineKey,
}: {
  rounds: PreviousSubmission[];
  /** The field that identifies a line across submissions (the form's `lineKey` role). */
  lineKey?: string;
  /** The submission shown first (the one the server chose to compare with). */
  initial?: number;
  current: unknown[];
  cols: Column[];
  lang: 'zh' | 'en';
  review: boolean;
}) {
  const { t } = useI18n();
  const [which, setWhich] = useState(initial >= 0 && initial < rounds.length ? initial : 0);
  const [showAll, setShowAll] = useState(false);
  const round = rounds[Math.min(which, rounds.length - 1)];
  // Reviewing: compare the chosen submission with the one of the same form before it.
  const prior = review ? rounds.slice(which + 1).find((r) => r.formId === round?.formId) : undefined;
  const base = review ? findLines(prior?.data).lines : findLines(round?.data).lines;
  const target = review ? findLines(round?.data).lines : current;
  const diffs = useMemo(
    () => diffLines(base, target, { commonOnly: true, keyField: lineKey }),
    [base, target, lineKey],
  );
  const changed = diffs.filter((d) => d.status !== 'same');
  const rCols = useMemo(() => roundColumns(round), [round]);
  const byName = (r: PreviousSubmission) => r.by.name;

  const header = (
    <span>
      {review ? t('task.underReview') : t('task.compare')}{' '}
      <Typography.Text type="secondary" style={{ fontWeight: 'normal' }} data-testid="compare-count">
        {review && !prior ? '' : t('task.changes', { n: changed.length })}
        {round && ` · ${[byName(round), formatDateTime(round.at)].filter(Boolean).join(' ')}`}
      </Typography.Text>
    </span>
  );
  const picker = (
    <span className="no-print">
      {rounds.length > 1 && (
        <Segmented
          size="small"
          value={which}
          onChange={(v) => setWhich(Number(v))}
          options={rounds.map((r, i) => ({ value: i, label: roundLabel(r, lang, i) }))}
          style={{ marginRight: 12 }}
        />
      )}
      {!review && (
        <Space size={4}>
          <Switch size="small" checked={showAll} onChange={setShowAll} aria-label={t('diff.same')} />
          <span aria-hidden="true">{t('diff.same')}</span>
        </Space>
      )}
    </span>
  );

  if (review && rCols.length > 0) {
    const changedAt = new Map(diffs.map((d) => [d.index, d]));
    return (
      <Card size="small" style={{ marginTop: 12 }} className="compare-panel" title={header} extra={picker}>
        <Table<Record<string, unknown>>
          size="small"
          rowKey={(_, i) => String(i)}
          dataSource={target as Record<string, unknown>[]}
          pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: '#',
              width: 48,
              fixed: 'left',
              render: (_, __, i) => {
                const d = changedAt.get(i);
                return d?.status === 'added' && prior ? <Tag color="green">{t('diff.added')}</Tag> : i + 1;
              },
            },
            ...rCols.map((c) => ({
              title: c.title,
              key: c.pointer,
              align: (c.type === 'number' ? 'right' : 'left') as 'right' | 'left',
              render: (_: unknown, row: Record<string, unknown>, i: number) => {
                const text = cellText(c, at(row, c.pointer), lang);
                const d = changedAt.get(i);
                if (prior && d?.status === 'changed' && d.changed.includes(c.pointer)) {
                  return (
                    <Tooltip
                      title={`${t('diff.before')}：${cellText(c, at(d.before, c.pointer), lang) || '—'}`}
                    >
                      <span className="cell-diff">{text}</span>
                    </Tooltip>
                  );
                }
                return text;
              },
            })),
          ]}
        />
      </Card>
    );
  }

  const rows = showAll ? diffs : changed;
  const name = (d: LineDiff) => {
    const l = (d.after ?? d.before ?? {}) as Record<string, unknown>;
    return String(l.projectName ?? l.name ?? d.key);
  };
  return (
    <Card size="small" style={{ marginTop: 12 }} className="compare-panel" title={header} extra={picker}>
      <Table<LineDiff>
        size="small"
        rowKey={(d) => `${d.key}:${d.index}:${d.prevIndex}`}
        dataSource={rows}
        pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
        locale={{ emptyText: t('task.noChanges') }}
        columns={[
          { title: '#', width: 56, render: (_, d) => (d.index >= 0 ? d.index + 1 : '') },
          { title: t('project.name'), render: (_, d) => name(d) },
          {
            title: t('rounds.status'),
            width: 90,
            render: (_, d) => <Tag color={STATUS_COLOR[d.status]}>{t(`diff.${d.status}`)}</Tag>,
          },
          {
            title: `${t('diff.field')}：${t('diff.before')} → ${t('diff.after')}`,
            render: (_, d) =>
              d.changed.length === 0 ? null : (
                <ul className="diff-list">
                  {d.changed.map((p) => {
                    const col = cols.find((c) => c.pointer === p);
                    return (
                      <li key={p}>
                        <span className="diff-field">{titleOf(cols, p)}</span>：
                        <del className="diff-before">{cellText(col, at(d.before, p), lang) || '—'}</del> →{' '}
                        <ins className="diff-after">{cellText(col, at(d.after, p), lang) || '—'}</ins>
                      </li>
                    );
                  })}
                </ul>
              ),
          },
        ]}
      />
    </Card>
  );
}
