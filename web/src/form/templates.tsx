/**
 * Templates that make rjsf forms usable for long tables of project lines:
 * - `layout: "table"` arrays render a page of lines at a time (only that page is mounted, so typing
 *   stays fast with hundreds of lines), with row numbers and a list of rows that have errors;
 * - items of such arrays lay their fields out as one compact row;
 * - `layout: "inline"` objects (funds by source) and `layout: "months"` arrays sit on one line;
 * - fields show errors before help text (the antd theme hides errors when a field has help).
 * Cells can be marked (changed since the previous round, above the control figure) via formContext.
 */
import { Templates as AntdTemplates } from '@rjsf/antd';
import type {
  ArrayFieldItemTemplateProps,
  ArrayFieldTemplateProps,
  FieldTemplateProps,
  ObjectFieldTemplateProps,
  RJSFSchema,
} from '@rjsf/utils';
import { getUiOptions } from '@rjsf/utils';
import { Button, Form, Pagination, Space, Tag, Tooltip, Typography } from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { translate } from '../i18n/messages';
import { toPointer } from '../lib/pointer';

/** A mark on one field: changed since the previous round, or above its control figure. */
export interface CellMark {
  kind: 'changed' | 'excess' | 'returned';
  /** Shown in a tooltip and (for excess) under the field. */
  text: string;
}

/** What the templates read from `formContext`. */
export interface LinesContext {
  lang: 'zh' | 'en';
  /** Marks by parent pointer (`/lines/3/funds`) then property name (`city`). */
  marks?: Map<string, Map<string, CellMark>>;
  /** Ask a table to show the page with this line: `{path: '/lines', index, nonce}`. */
  focusLine?: { path: string; index: number; nonce: number };
  pageSize?: number;
  /** Arrays with a layout, by pointer with `*` for indexes (from {@link layoutPaths}). */
  layouts?: Map<string, string>;
  /** Where this form sits in the whole data, for a form that edits one line (`['lines', 3]`). */
  base?: Array<string | number>;
}

const DEFAULT_PAGE = 10;

function ctx(registry: { formContext?: unknown }): LinesContext {
  return (registry.formContext ?? { lang: 'zh' }) as LinesContext;
}

function layoutOf(uiSchema: unknown): string | undefined {
  return getUiOptions(uiSchema as Record<string, unknown>).layout as string | undefined;
}

/** Which rows of an array have errors, from its error schema. */
function erroredRows(errorSchema: unknown): number[] {
  if (!errorSchema || typeof errorSchema !== 'object') return [];
  const rows: number[] = [];
  const has = (n: unknown): boolean =>
    !!n &&
    typeof n === 'object' &&
    Object.entries(n as Record<string, unknown>).some(([k, v]) =>
      k === '__errors' ? Array.isArray(v) && v.length > 0 : has(v),
    );
  for (const [k, v] of Object.entries(errorSchema as Record<string, unknown>)) {
    if (/^\d+$/.test(k) && has(v)) rows.push(Number(k));
  }
  return rows.sort((a, b) => a - b);
}

/** Arrays: paginated line tables for `layout: "table"`, a compact grid for `"months"`, antd's default otherwise. */
export function ArrayFieldTemplate(props: ArrayFieldTemplateProps) {
  const layout = layoutOf(props.uiSchema);
  if (layout === 'table') return <LinesTable {...props} />;
  if (layout === 'months') {
    return (
      <fieldset className="months-grid" id={props.fieldPathId.$id}>
        <legend className="sub-legend">{props.title}</legend>
        <div className="months-cells">{props.items}</div>
      </fieldset>
    );
  }
  const Default = AntdTemplates.ArrayFieldTemplate!;
  return <Default {...props} />;
}

function LinesTable(props: ArrayFieldTemplateProps) {
  const { items, title, fieldPathId, canAdd, onAddClick, disabled, readonly, registry, errorSchema } = props;
  const c = ctx(registry);
  const pageSize = c.pageSize ?? DEFAULT_PAGE;
  const [page, setPage] = useState(1);
  const pointer = toPointer(fieldPathId.path);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(page, pages);
  const from = (current - 1) * pageSize;
  const visible = items.slice(from, from + pageSize);
  const bad = useMemo(() => erroredRows(errorSchema), [errorSchema]);

  // A server error or a submit attempt names a line: show its page.
  const focus = c.focusLine;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new request (nonce) moves the page, nothing else
  useEffect(() => {
    if (focus && focus.path === pointer) setPage(Math.floor(focus.index / pageSize) + 1);
  }, [focus?.nonce]);

  const t = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) =>
    translate(c.lang, k, v);
  return (
    <fieldset className="lines-table" id={fieldPathId.$id} aria-describedby={`${fieldPathId.$id}__summary`}>
      <legend className="lines-legend">{title}</legend>
      <div className="lines-toolbar" id={`${fieldPathId.$id}__summary`}>
        <Typography.Text type="secondary">
          {t('lines.page', {
            from: items.length ? from + 1 : 0,
            to: Math.min(from + pageSize, items.length),
            n: items.length,
          })}
        </Typography.Text>
        {bad.length > 0 && (
          <Space size={4} wrap role="status" className="lines-errors">
            <Typography.Text type="danger">{t('lines.errorsOn', { rows: '' })}</Typography.Text>
            {bad.slice(0, 20).map((i) => (
              <Button key={i} size="small" danger onClick={() => setPage(Math.floor(i / pageSize) + 1)}>
                {i + 1}
              </Button>
            ))}
            {bad.length > 20 && <Typography.Text type="danger">…</Typography.Text>}
          </Space>
        )}
        <Pagination
          size="small"
          current={current}
          pageSize={pageSize}
          total={items.length}
          onChange={setPage}
          showSizeChanger={false}
          hideOnSinglePage
        />
      </div>
      <div className="lines-body">{visible}</div>
      {canAdd && !readonly && !disabled && (
        <Button onClick={onAddClick} style={{ marginTop: 8 }}>
          {t('lines.add')}
        </Button>
      )}
    </fieldset>
  );
}

/** Items: a numbered row with its remove button (when the array allows removing). */
export function ArrayFieldItemTemplate(props: ArrayFieldItemTemplateProps) {
  const { children, index, buttonsProps, hasToolbar, registry, parentUiSchema } = props;
  const layout = layoutOf(parentUiSchema);
  if (layout === 'months') return <div className="month-cell">{children}</div>;
  if (layout !== 'table') {
    const Default = AntdTemplates.ArrayFieldItemTemplate!;
    return <Default {...props} />;
  }
  const c = ctx(registry);
  return (
    <div className="line-row" data-line={index}>
      <div className="line-no" aria-hidden="true">
        {index + 1}
      </div>
      <div className="line-fields">{children}</div>
      {hasToolbar && buttonsProps.hasRemove && !buttonsProps.readonly && !buttonsProps.disabled && (
        <Button
          size="small"
          type="text"
          danger
          onClick={buttonsProps.onRemoveItem}
          aria-label={`${translate(c.lang, 'lines.remove')} ${translate(c.lang, 'lines.row', { n: index + 1 })}`}
        >
          {translate(c.lang, 'lines.remove')}
        </Button>
      )}
    </div>
  );
}

/** Objects: rows of a line table and inline groups lay out horizontally; other objects as antd does. */
export function ObjectFieldTemplate(props: ObjectFieldTemplateProps) {
  const { properties, fieldPathId, registry, title, uiSchema } = props;
  const layout = layoutOf(uiSchema);
  const c = ctx(registry);
  const path = [...(c.base ?? []), ...fieldPathId.path];
  const parentLayout =
    path.length > 0 && typeof path[path.length - 1] === 'number' ? itemLayout(c, path) : undefined;
  if (path.length === 0) {
    // The form's title is the page's heading already; the root is just its fields.
    return (
      <div id={fieldPathId.$id}>
        {properties
          .filter((p) => !p.hidden)
          .map((p) => (
            <div key={p.name}>{p.content}</div>
          ))}
      </div>
    );
  }
  if (parentLayout === 'months') return <MonthCard {...props} />;
  const isRow = layout === 'row' || parentLayout === 'table';
  if (!isRow && layout !== 'inline') {
    const Default = AntdTemplates.ObjectFieldTemplate!;
    return <Default {...props} />;
  }
  const marks = c.marks?.get(toPointer(path));
  const cells = properties
    .filter((p) => !p.hidden)
    .map((p) => {
      const mark = marks?.get(p.name);
      const schema = (p.content.props as { schema?: RJSFSchema }).schema;
      const full = schema?.type === 'array';
      const wide = schema?.type === 'object' || (schema?.type === 'string' && (schema.maxLength ?? 0) > 100);
      const cls = `cell${full && isRow ? ' cell-full' : wide && isRow ? ' cell-wide' : ''}${mark ? ` cell-${mark.kind}` : ''}`;
      const content: ReactNode = mark ? (
        <Tooltip title={mark.text}>
          <div>
            {p.content}
            {mark.kind !== 'changed' && (
              <Tag color="red" className="mark-note">
                {mark.text}
              </Tag>
            )}
          </div>
        </Tooltip>
      ) : (
        p.content
      );
      return (
        <div key={p.name} className={cls} data-field={p.name}>
          {content}
        </div>
      );
    });
  if (isRow) {
    return (
      <fieldset className="line-cells" id={fieldPathId.$id}>
        <legend className="sr-only">{title}</legend>
        {cells}
      </fieldset>
    );
  }
  return (
    <fieldset className="inline-group" id={fieldPathId.$id}>
      <legend className="sub-legend">{title}</legend>
      <div className="inline-cells">{cells}</div>
    </fieldset>
  );
}

/** The layout of the array holding the item at `path` (`table`, `months`), if it has one. */
function itemLayout(c: LinesContext, path: ReadonlyArray<string | number>): string | undefined {
  return c.layouts?.get(toPointer(path.slice(0, -1).map((s) => (typeof s === 'number' ? '*' : s))));
}

/** One month of a monthly schedule: a heading from its month and its figures, small. */
function MonthCard(props: ObjectFieldTemplateProps) {
  const { properties, fieldPathId, formData, registry } = props;
  const month = (formData as { month?: number } | undefined)?.month;
  const lang = ctx(registry).lang;
  const heading = month ? (lang === 'en' ? `Month ${month}` : `${month}月`) : '';
  return (
    <fieldset className="month-card" id={fieldPathId.$id}>
      <legend className="month-legend">{heading}</legend>
      {properties
        .filter((p) => !p.hidden)
        .map((p) => (
          // The month itself is the heading; its read-only field stays for screen readers.
          <div key={p.name} className={p.name === 'month' ? 'sr-only' : 'month-field'}>
            {p.content}
          </div>
        ))}
    </fieldset>
  );
}

/** Fields: label, control, then the errors (or help when there are none). */
export function FieldTemplate(props: FieldTemplateProps) {
  const {
    children,
    displayLabel,
    errors,
    help,
    rawHelp,
    hidden,
    id,
    label,
    rawErrors,
    rawDescription,
    description,
    required,
    schema,
    uiSchema,
    classNames,
    style,
  } = props;
  if (hidden) return <div className="rjsf-field-hidden">{children}</div>;
  const isCheckbox = getUiOptions(uiSchema).widget === 'checkbox';
  const hasErrors = !!rawErrors?.length;
  const WrapIfAdditional = AntdTemplates.WrapIfAdditionalTemplate!;
  return (
    <WrapIfAdditional {...props}>
      <Form.Item
        className={classNames}
        style={style}
        hasFeedback={false}
        help={hasErrors ? errors : rawHelp ? help : undefined}
        htmlFor={id}
        label={displayLabel && !isCheckbox && label}
        labelCol={{ span: 24 }}
        wrapperCol={{ span: 24 }}
        required={required}
        validateStatus={hasErrors ? 'error' : undefined}
        extra={
          rawDescription && !rawHelp && schema.type !== 'object' && schema.type !== 'array'
            ? description
            : undefined
        }
      >
        {children}
      </Form.Item>
    </WrapIfAdditional>
  );
}

/** Every array with a `layout` (table, months) in a schema, by pointer with `*` for indexes (`/lines/*` + `/schedule`). */
export function layoutPaths(
  schema: unknown,
  uiSchema: unknown,
  base: string[] = [],
  out = new Map<string, string>(),
): Map<string, string> {
  const s = schema as Record<string, unknown> | undefined;
  const u = (uiSchema ?? {}) as Record<string, unknown>;
  if (!s || typeof s !== 'object') return out;
  if (s.type === 'array') {
    const layout = layoutOf(u);
    if (layout) out.set(toPointer(base), layout);
    layoutPaths(s.items, u.items, [...base, '*'], out);
  } else if (s.type === 'object' && s.properties) {
    for (const [k, v] of Object.entries(s.properties as Record<string, unknown>))
      layoutPaths(v, u[k], [...base, k], out);
  }
  return out;
}

export const templates = { ArrayFieldTemplate, ArrayFieldItemTemplate, ObjectFieldTemplate, FieldTemplate };
