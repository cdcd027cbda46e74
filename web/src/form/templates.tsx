/**
 * Templates that make rjsf forms usable for long tables of project lines:
 * - `layout: "table"` arrays render a page of lines at a time (only that page is mounted, so typing
 *   stays fast with hundreds of lines), with row numbers and a list of rows that have errors;
 * - items of such arrays lay their fields out as one compact row;
 * - `layout: "inline"` objects (funds by source) and `layout: "months"` arrays sit on one line;
 * - fields show errors before help text (the antd theme hides errors when a field has help).
 * Cells can be marked (changed since the earlier submission, returned, or breaking a form rule) via formContext.
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
import { Form, Tag, Tooltip } from 'antd';
import { type ReactNode, useMemo } from 'react';
import { toPointer } from '../lib/pointer';
import { erroredRows, LineRow, LinesFrame, useLinePages } from './lines';

/** A mark on one field: changed since the earlier submission, returned by a reviewer, or breaking a form rule. */
export interface CellMark {
  kind: 'changed' | 'rule' | 'returned';
  /** Shown in a tooltip and (for a rule) under the field. */
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
  const pages = useLinePages(items.length, pageSize, toPointer(fieldPathId.path), c.focusLine);
  const bad = useMemo(() => erroredRows(errorSchema), [errorSchema]);
  return (
    <LinesFrame
      id={fieldPathId.$id}
      title={title}
      lang={c.lang}
      count={items.length}
      pageSize={pageSize}
      pages={pages}
      errored={bad}
      onAdd={canAdd && !readonly && !disabled ? onAddClick : undefined}
    >
      {items.slice(pages.from, pages.from + pageSize)}
    </LinesFrame>
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
  const canRemove = hasToolbar && buttonsProps.hasRemove && !buttonsProps.readonly && !buttonsProps.disabled;
  return (
    <LineRow
      index={index}
      lang={ctx(registry).lang}
      onRemove={canRemove ? buttonsProps.onRemoveItem : undefined}
    >
      {children}
    </LineRow>
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
