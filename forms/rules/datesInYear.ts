import { deref, pointer } from '../pointer';
import type { FieldError, JsonSchema } from '../types';
import type { FormRule } from './types';
import { ymd } from './util';

/**
 * Every date field (`format: date` in the form's schema) lies in the fiscal year. The one exception is
 * the deadline of a cross-year line (`crossYear: true` beside it), which lies after the year and at most
 * `crossYearMaxYears` years later.
 */
export const datesInYear: FormRule = {
  name: 'datesInYear',
  description: {
    zh: '日期须在本财政年度内；跨年度项目的完成时限在以后年度（不超过规定年限）',
    en: 'Dates lie in the fiscal year; a cross-year line’s deadline lies in a later year (within the limit)',
  },
  needs: [{ fact: 'year', label: '年度' }],
  check(data, ctx) {
    const errors: FieldError[] = [];
    const year = ctx.facts.year as number;
    const maxYear = year + ctx.settings.crossYearMaxYears;
    const root = ctx.schema;
    const visit = (
      value: unknown,
      node: JsonSchema | undefined,
      path: string,
      key: string,
      parent: unknown,
    ) => {
      if (!node) return;
      const s = deref(root, node);
      if (s.format === 'date' && typeof value === 'string') {
        const d = ymd(value);
        if (!d) return;
        const crossYear = key === 'deadline' && (parent as { crossYear?: unknown }).crossYear === true;
        if (crossYear) {
          if (d.y <= year || d.y > maxYear) {
            errors.push({
              path,
              message: `跨年度项目的完成时限 ${value} 应在 ${year + 1} 年至 ${maxYear} 年之间`,
              code: 'rule.datesInYear',
            });
          }
        } else if (d.y !== year) {
          errors.push({ path, message: `日期 ${value} 不在 ${year} 年度内`, code: 'rule.datesInYear' });
        }
        return;
      }
      if (Array.isArray(value)) {
        const items = s.items as JsonSchema | undefined;
        value.forEach((v, i) => {
          visit(v, items, pointer(path, i), String(i), value);
        });
      } else if (typeof value === 'object' && value !== null) {
        const props = (s.properties ?? {}) as Record<string, JsonSchema>;
        for (const k of Object.keys(value)) {
          if (Object.hasOwn(props, k))
            visit((value as Record<string, unknown>)[k], props[k], pointer(path, k), k, value);
        }
      }
    };
    visit(data, root, '', '', undefined);
    return errors;
  },
};
