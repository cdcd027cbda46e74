/**
 * The pieces of a paged table of lines that the rjsf `layout: "table"` template and FormWithLines's
 * own table share: which rows have errors, the page state, the frame (legend, toolbar with the
 * page summary, rows with errors and pager, add button) and one numbered row.
 */
import { Button, Pagination, Space, Typography } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { translate } from '../i18n/messages';
import type { LinesContext } from './templates';

type Lang = LinesContext['lang'];

/** Which rows of an array have errors, from its error tree (`{ "3": { city: { __errors: [...] } } }`). */
export function erroredRows(errors: unknown): number[] {
  if (!errors || typeof errors !== 'object') return [];
  const has = (n: unknown): boolean =>
    !!n &&
    typeof n === 'object' &&
    Object.entries(n as Record<string, unknown>).some(([k, v]) =>
      k === '__errors' ? Array.isArray(v) && v.length > 0 : has(v),
    );
  return Object.entries(errors as Record<string, unknown>)
    .filter(([k, v]) => /^\d+$/.test(k) && has(v))
    .map(([k]) => Number(k))
    .sort((a, b) => a - b);
}

/** The page a table of `count` lines shows. */
export interface LinePages {
  /** The page shown (1-based), within the pages there are. */
  current: number;
  /** Index of its first line. */
  from: number;
  setPage: (page: number) => void;
}

/** Page state of a table of lines; a focus request (`focusLine`) for this table moves to its line's page. */
export function useLinePages(
  count: number,
  pageSize: number,
  pointer: string,
  focus: LinesContext['focusLine'],
): LinePages {
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const current = Math.min(page, pages);
  // A server error or a submit attempt names a line: show its page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new request (nonce) moves the page, nothing else
  useEffect(() => {
    if (focus && focus.path === pointer) setPage(Math.floor(focus.index / pageSize) + 1);
  }, [focus?.nonce]);
  return { current, from: (current - 1) * pageSize, setPage };
}

export interface LinesFrameProps {
  /** The fieldset's id; the toolbar is `${id}__summary`. */
  id: string;
  title: ReactNode;
  lang: Lang;
  count: number;
  pageSize: number;
  pages: LinePages;
  /** Rows with errors (buttons that jump to their page). */
  errored: number[];
  /** Adds a line; no add button without it. */
  onAdd?: () => void;
  /** The rows of the current page. */
  children: ReactNode;
}

/** A table of lines: legend, toolbar (lines shown, rows with errors, pager), the rows, an add button. */
export function LinesFrame({
  id,
  title,
  lang,
  count,
  pageSize,
  pages,
  errored,
  onAdd,
  children,
}: LinesFrameProps) {
  const t = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) =>
    translate(lang, k, v);
  const { current, from, setPage } = pages;
  return (
    <fieldset className="lines-table" id={id} aria-describedby={`${id}__summary`}>
      <legend className="lines-legend">{title}</legend>
      <div className="lines-toolbar" id={`${id}__summary`}>
        <Typography.Text type="secondary">
          {t('lines.page', {
            from: count ? from + 1 : 0,
            to: Math.min(from + pageSize, count),
            n: count,
          })}
        </Typography.Text>
        {errored.length > 0 && (
          <Space size={4} wrap role="status" className="lines-errors">
            <Typography.Text type="danger">{t('lines.errorsOn', { rows: '' })}</Typography.Text>
            {errored.slice(0, 20).map((i) => (
              <Button key={i} size="small" danger onClick={() => setPage(Math.floor(i / pageSize) + 1)}>
                {i + 1}
              </Button>
            ))}
            {errored.length > 20 && <Typography.Text type="danger">…</Typography.Text>}
          </Space>
        )}
        <Pagination
          size="small"
          current={current}
          pageSize={pageSize}
          total={count}
          onChange={setPage}
          showSizeChanger={false}
          hideOnSinglePage
        />
      </div>
      <div className="lines-body">{children}</div>
      {onAdd && (
        <Button onClick={onAdd} style={{ marginTop: 8 }}>
          {t('lines.add')}
        </Button>
      )}
    </fieldset>
  );
}

/** One line: its number, its fields and (with `onRemove`) a remove button. */
export function LineRow({
  index,
  lang,
  onRemove,
  children,
}: {
  index: number;
  lang: Lang;
  onRemove?: () => void;
  children: ReactNode;
}) {
  return (
    <div className="line-row" data-line={index}>
      <div className="line-no" aria-hidden="true">
        {index + 1}
      </div>
      <div className="line-fields">{children}</div>
      {onRemove && (
        <Button
          size="small"
          type="text"
          danger
          onClick={onRemove}
          aria-label={`${translate(lang, 'lines.remove')} ${translate(lang, 'lines.row', { n: index + 1 })}`}
        >
          {translate(lang, 'lines.remove')}
        </Button>
      )}
    </div>
  );
}
