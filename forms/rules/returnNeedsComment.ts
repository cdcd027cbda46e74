import type { FieldError } from '../types';
import type { FormRule } from './types';
import { lineName, linesOf, str } from './util';

/** A line returned for revision says why, so the county knows what to change. */
export const returnNeedsComment: FormRule = {
  name: 'returnNeedsComment',
  description: { zh: '退回修改的项目须填写意见说明', en: 'A line returned for revision has a comment' },
  needs: [],
  check(data) {
    const errors: FieldError[] = [];
    linesOf(data).forEach((line, i) => {
      if (line.decision === 'return' && str(line.comment).trim() === '') {
        errors.push({
          path: `/lines/${i}/comment`,
          message: `${lineName(line, i)}：退回修改须填写意见说明`,
          code: 'rule.returnNeedsComment',
        });
      }
    });
    return errors;
  },
};
