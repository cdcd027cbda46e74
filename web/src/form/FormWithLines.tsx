/**
 * A form whose table of lines is edited one line per small rjsf form. rjsf re-derives a whole form
 * (clone, defaults, schema resolution over every node) on each change; with hundreds of lines that
 * is hundreds of milliseconds per keystroke. Here a keystroke only re-derives its own line, the table
 * pages through lines (only one page is mounted), and the fields outside the table are a form of their own.
 * Errors come from outside (the shared validator and the server) as one error tree.
 */
import Form from '@rjsf/antd';
import type { RJSFSchema, ValidatorType } from '@rjsf/utils';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type ErrorTree, idToPointer, toPointer } from '../lib/pointer';
import { erroredRows, LineRow, LinesFrame, useLinePages } from './lines';
import { type CellMark, type LinesContext, templates } from './templates';

type Schema = Record<string, any>;

export interface FormWithLinesProps {
  schema: RJSFSchema;
  uiSchema: Schema;
  /** The data to start from; later changes come back through onChange. Replace `dataKey` to reset. */
  data: unknown;
  dataKey: number;
  validator: ValidatorType;
  context: LinesContext;
  errors: ErrorTree;
  readOnly: boolean;
  /** Called with the whole data and the pointer of the field that changed (when known). */
  onChange: (data: unknown, changed?: string) => void;
}

/** The first top-level array with `layout: "table"`, if the form has one. */
export function tableKey(schema: Schema, uiSchema: Schema): string | undefined {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  return Object.keys(props).find(
    (k) =>
      props[k]?.type === 'array' &&
      props[k]?.items?.type === 'object' &&
      uiSchema?.[k]?.['ui:options']?.layout === 'table',
  );
}

export function FormWithLines(props: FormWithLinesProps) {
  const { schema, uiSchema, data, dataKey, validator, context, errors, readOnly, onChange } = props;
  const key = useMemo(() => tableKey(schema as Schema, uiSchema), [schema, uiSchema]);
  const rec = (data ?? {}) as Record<string, unknown>;
  const restRef = useRef<Record<string, unknown>>({});
  const linesRef = useRef<unknown[]>([]);
  const [lines, setLines] = useState<unknown[]>([]);
  const [version, setVersion] = useState(0);

  // A new dataKey means the page replaced the data (restore, "approve the rest"): start over from it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new dataKey replaces what the user typed
  useEffect(() => {
    const { [key ?? '']: l, ...rest } = rec;
    restRef.current = rest;
    linesRef.current = Array.isArray(l) ? l : [];
    setLines(linesRef.current);
    setVersion((v) => v + 1);
  }, [dataKey, key]);

  const emit = useCallback(
    (changed?: string) => {
      onChange(key ? { ...restRef.current, [key]: linesRef.current } : restRef.current, changed);
    },
    [onChange, key],
  );

  const restSchema = useMemo(() => {
    if (!key) return schema;
    const s = schema as Schema;
    const { [key]: _drop, ...properties } = s.properties ?? {};
    return { ...s, properties, required: (s.required ?? []).filter((r: string) => r !== key) } as RJSFSchema;
  }, [schema, key]);
  const restUi = useMemo(() => {
    const order = uiSchema['ui:order'];
    return {
      ...uiSchema,
      'ui:order': Array.isArray(order) ? order.filter((k: string) => k !== key) : order,
      'ui:submitButtonOptions': { norender: true },
    };
  }, [uiSchema, key]);
  const restErrors = useMemo(() => {
    if (!key) return errors;
    const { [key]: _drop, ...rest } = errors;
    return rest as ErrorTree;
  }, [errors, key]);
  const hasRest = Object.keys((restSchema as Schema).properties ?? {}).length > 0;

  /** The form of the fields outside the table (all of them when there is no table). */
  const restForm = (formSchema: RJSFSchema, formUi: Schema, formData: unknown, formErrors: ErrorTree) => (
    <Form
      key={version}
      schema={formSchema}
      uiSchema={formUi}
      formData={formData}
      validator={validator}
      templates={templates}
      formContext={context}
      extraErrors={formErrors as any}
      onChange={(e, id) => {
        restRef.current = e.formData as Record<string, unknown>;
        emit(id ? idToPointer(id, e.formData) : undefined);
      }}
      readonly={readOnly}
      showErrorList={false}
      noHtml5Validate
      idPrefix="root"
    />
  );

  if (!key)
    return restForm(schema, { ...uiSchema, 'ui:submitButtonOptions': { norender: true } }, rec, errors);

  const arraySchema = (schema as Schema).properties[key] as Schema;
  return (
    <div className="form-with-lines">
      <LinesTable
        name={key}
        schema={arraySchema}
        uiSchema={uiSchema[key] ?? {}}
        getLines={() => linesRef.current}
        version={lines}
        validator={validator}
        context={context}
        errors={errors[key] as ErrorTree | undefined}
        readOnly={readOnly}
        onLine={(i, line, changed) => {
          const next = linesRef.current.slice();
          next[i] = line;
          linesRef.current = next;
          emit(changed);
        }}
        onLinesChanged={(next) => {
          linesRef.current = next;
          setLines(next);
          emit(toPointer([key]));
        }}
      />
      {hasRest && restForm(restSchema, restUi, restRef.current, restErrors)}
    </div>
  );
}

const ids = new WeakMap<object, number>();
let nextId = 1;
function lineId(line: unknown, i: number): string {
  if (!line || typeof line !== 'object') return `i${i}`;
  let id = ids.get(line as object);
  if (id === undefined) {
    id = nextId++;
    ids.set(line as object, id);
  }
  return `l${id}`;
}

interface LinesTableProps {
  name: string;
  schema: Schema;
  uiSchema: Schema;
  /** The current lines (typing updates them without re-rendering the table). */
  getLines: () => unknown[];
  /** Changes when lines are added or removed. */
  version: unknown;
  validator: ValidatorType;
  context: LinesContext;
  errors: ErrorTree | undefined;
  readOnly: boolean;
  onLine: (i: number, line: unknown, changed?: string) => void;
  onLinesChanged: (lines: unknown[]) => void;
}

function LinesTable({
  name,
  schema,
  uiSchema,
  getLines,
  validator,
  context,
  errors,
  readOnly,
  onLine,
  onLinesChanged,
}: LinesTableProps) {
  const pageSize = context.pageSize ?? 10;
  const lines = getLines();
  const pages = useLinePages(lines.length, pageSize, toPointer([name]), context.focusLine);
  const { from, setPage } = pages;
  const bad = useMemo(() => erroredRows(errors), [errors]);
  const options = (uiSchema['ui:options'] ?? {}) as Record<string, unknown>;
  const canAdd =
    !readOnly &&
    options.addable !== false &&
    (schema.maxItems === undefined || lines.length < schema.maxItems);
  const canRemove = !readOnly && options.removable !== false;
  const itemUi = useMemo(
    () => ({ ...(uiSchema.items ?? {}), 'ui:submitButtonOptions': { norender: true } }),
    [uiSchema],
  );
  const visible = lines.slice(from, from + pageSize);
  return (
    <LinesFrame
      id={`root_${name}`}
      title={(schema.title as string) ?? name}
      lang={context.lang}
      count={lines.length}
      pageSize={pageSize}
      pages={pages}
      errored={bad}
      onAdd={
        canAdd
          ? () => {
              onLinesChanged([...lines, {}]);
              setPage(Math.ceil((lines.length + 1) / pageSize));
            }
          : undefined
      }
    >
      {visible.map((line, k) => {
        const i = from + k;
        return (
          <LineRow
            key={lineId(line, i)}
            index={i}
            lang={context.lang}
            onRemove={canRemove ? () => onLinesChanged(lines.filter((_, j) => j !== i)) : undefined}
          >
            <LineForm
              name={name}
              index={i}
              schema={schema.items}
              uiSchema={itemUi}
              line={line}
              validator={validator}
              context={context}
              marks={context.marks}
              errors={errors?.[String(i)] as ErrorTree | undefined}
              readOnly={readOnly}
              onLine={onLine}
            />
          </LineRow>
        );
      })}
    </LinesFrame>
  );
}

interface LineFormProps {
  name: string;
  index: number;
  schema: Schema;
  uiSchema: Schema;
  line: unknown;
  validator: ValidatorType;
  context: LinesContext;
  marks: Map<string, Map<string, CellMark>> | undefined;
  errors: ErrorTree | undefined;
  readOnly: boolean;
  onLine: (i: number, line: unknown, changed?: string) => void;
}

/** One line as its own small form; re-renders only when its own data, errors or marks change. */
const LineForm = memo(function LineForm({
  name,
  index,
  schema,
  uiSchema,
  line,
  validator,
  context,
  errors,
  readOnly,
  onLine,
}: LineFormProps) {
  const [own, setOwn] = useState(line);
  const ctx = useMemo(() => ({ ...context, base: [name, index] }), [context, name, index]);
  useEffect(() => setOwn(line), [line]);
  const prefix = `root_${name}_${index}`;
  return (
    <Form
      tagName="div"
      schema={schema as RJSFSchema}
      uiSchema={uiSchema}
      formData={own}
      validator={validator}
      templates={templates}
      formContext={ctx}
      extraErrors={(errors ?? {}) as any}
      onChange={(e, id) => {
        setOwn(e.formData);
        const rel = id ? idToPointer(id, e.formData, prefix) : '';
        onLine(index, e.formData, `${toPointer([name, index])}${rel}`);
      }}
      readonly={readOnly}
      showErrorList={false}
      noHtml5Validate
      idPrefix={prefix}
    />
  );
});
