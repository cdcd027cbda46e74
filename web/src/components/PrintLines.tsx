import { Fragment } from 'react';
import { at, cellText, columnsOf } from '../lib/schemaColumns';

type Schema = Record<string, any>;

/**
 * A plain, complete rendering of form data for paper: top-level fields as label/value pairs and
 * every table of lines in full (the screen pages through lines; a printout must not).
 */
export function PrintLines({
  schema,
  uiSchema,
  data,
  lang,
}: {
  schema: Schema;
  uiSchema: Schema;
  data: unknown;
  lang: 'zh' | 'en';
}) {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const order: string[] = Array.isArray(uiSchema['ui:order']) ? uiSchema['ui:order'] : Object.keys(props);
  const keys = [...order.filter((k) => k in props), ...Object.keys(props).filter((k) => !order.includes(k))];
  const rec = (data ?? {}) as Record<string, unknown>;
  return (
    <div className="print-view">
      {keys.map((k) => {
        const p = props[k];
        const v = rec[k];
        if (p.type === 'array' && p.items?.type === 'object') {
          const cols = columnsOf(p.items, uiSchema[k]?.items);
          const rows = Array.isArray(v) ? v : [];
          return (
            <Fragment key={k}>
              <h3>{p.title ?? k}</h3>
              <table className="print-table">
                <thead>
                  <tr>
                    <th>#</th>
                    {cols.map((c) => (
                      <th key={c.pointer}>{c.title}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a printout never reorders its rows
                    <tr key={i}>
                      <td>{i + 1}</td>
                      {cols.map((c) => (
                        <td
                          key={c.pointer}
                          className={c.type === 'number' || c.type === 'integer' ? 'num' : undefined}
                        >
                          {cellText(c, at(row, c.pointer), lang)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </Fragment>
          );
        }
        if (p.type === 'object') {
          const cols = columnsOf(p, uiSchema[k]);
          return (
            <dl key={k} className="print-dl">
              <dt>{p.title ?? k}</dt>
              <dd>{cols.map((c) => `${c.title}：${cellText(c, at(v, c.pointer), lang)}`).join('；')}</dd>
            </dl>
          );
        }
        return (
          <dl key={k} className="print-dl">
            <dt>{p.title ?? k}</dt>
            <dd>{cellText(undefined, v, lang)}</dd>
          </dl>
        );
      })}
    </div>
  );
}
