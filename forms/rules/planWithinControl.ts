import type { FieldError } from '../types';
import type { FormRule } from './types';
import { cents, lineName, linesOf, obj, SOURCE_LABELS, SOURCES, str, wan } from './util';

/**
 * 二上 amounts stay within the 一下 control figures, per line and per source (中央/省/市/县), compared
 * exactly at the stored precision (hundredths of 万元). A line without a control figure cannot be planned.
 */
export const planWithinControl: FormRule = {
  name: 'planWithinControl',
  description: {
    zh: '二上各项目分来源资金安排不得超过一下控制数',
    en: 'Round 2 amounts per line and source do not exceed the round 1 control figures',
  },
  needs: [{ fact: 'control', label: '一下控制数' }],
  check(data, ctx) {
    const errors: FieldError[] = [];
    const control = new Map(linesOf(ctx.facts.control).map((l) => [str(l.projectCode), obj(l.control)]));
    linesOf(data).forEach((line, i) => {
      const figures = control.get(str(line.projectCode));
      if (!figures) {
        errors.push({
          path: `/lines/${i}/projectCode`,
          message: `${lineName(line, i)}：该项目没有一下控制数，不能列入实施方案`,
          code: 'rule.planWithinControl',
        });
        return;
      }
      const funds = obj(line.funds);
      for (const source of SOURCES) {
        const planned = cents(funds[source]);
        const limit = cents(figures[source]);
        if (planned > limit) {
          errors.push({
            path: `/lines/${i}/funds/${source}`,
            message: `${lineName(line, i)}：${SOURCE_LABELS[source]}资金 ${wan(planned)} 万元超过一下控制数 ${wan(limit)} 万元`,
            code: 'rule.planWithinControl',
          });
        }
      }
    });
    return errors;
  },
};
