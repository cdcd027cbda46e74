import type { FieldError } from '../types';
import type { FormRule } from './types';
import { lineName, linesOf, str } from './util';

/**
 * Construction lines due this year (not cross-year) are complete by the construction due date of the
 * fiscal year (setting `constructionDueDate`, default 11-30, from the measures).
 */
export const constructionDueNov30: FormRule = {
  name: 'constructionDueNov30',
  description: {
    zh: '工程建设类当年应完工项目的完成时限不晚于11月30日（可设置）',
    en: 'Construction lines due this year have a deadline no later than November 30 (a setting)',
  },
  needs: [{ fact: 'year', label: '年度' }],
  check(data, ctx) {
    const errors: FieldError[] = [];
    const due = `${ctx.facts.year}-${ctx.settings.constructionDueDate}`;
    const [, mm, dd] = due.split('-');
    linesOf(data).forEach((line, i) => {
      if (line.category !== 'construction' || line.crossYear === true) return;
      const deadline = str(line.deadline);
      if (deadline && deadline > due) {
        errors.push({
          path: `/lines/${i}/deadline`,
          message: `${lineName(line, i)}：工程建设类当年应完工项目须在 ${Number(mm)} 月 ${Number(dd)} 日前完工，完成时限 ${deadline} 晚于 ${due}`,
          code: 'rule.constructionDueNov30',
        });
      }
    });
    return errors;
  },
};
