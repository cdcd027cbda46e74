import type { FieldError } from '../types';
import type { FormRule } from './types';
import { linesOf, str } from './util';

/** Each project appears on at most one line; a second line would double-count targets and funds. */
export const uniqueProjectCodes: FormRule = {
  name: 'uniqueProjectCodes',
  description: { zh: '同一项目只能填写一行', en: 'Each project appears on one line only' },
  needs: [],
  check(data) {
    const errors: FieldError[] = [];
    const firstRow = new Map<string, number>();
    linesOf(data).forEach((line, i) => {
      const code = str(line.projectCode);
      const seen = firstRow.get(code);
      if (seen !== undefined) {
        errors.push({
          path: `/lines/${i}/projectCode`,
          message: `第${i + 1}行的项目 ${code} 与第${seen + 1}行重复`,
          code: 'rule.uniqueProjectCodes',
        });
      } else firstRow.set(code, i);
    });
    return errors;
  },
};
