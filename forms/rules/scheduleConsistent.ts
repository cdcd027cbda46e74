import type { FieldError } from '../types';
import type { FormRule } from './types';
import { cents, lineName, linesOf, obj, SOURCES, wan } from './util';

/**
 * The monthly schedule lists months 1 to 12 in order with cumulative figures that never go down; the
 * cumulative disbursement never exceeds the line's funds; a line that is not cross-year reaches 100%
 * by December. Monthly monitoring (序时进度) compares reports against this schedule.
 */
export const scheduleConsistent: FormRule = {
  name: 'scheduleConsistent',
  description: {
    zh: '月度计划按1至12月填写，累计进度和累计拨付逐月不减，累计拨付不超过资金安排，非跨年度项目12月累计进度为100%',
    en: 'The schedule covers months 1-12 in order, cumulative figures never decrease, disbursement stays within the funds, and non-cross-year lines reach 100% by December',
  },
  needs: [],
  check(data) {
    const errors: FieldError[] = [];
    const code = 'rule.scheduleConsistent';
    linesOf(data).forEach((line, i) => {
      const schedule = Array.isArray(line.schedule) ? line.schedule.map(obj) : [];
      if (schedule.length === 0) return;
      const funds = obj(line.funds);
      const total = SOURCES.reduce((sum, s) => sum + cents(funds[s]), 0);
      let prevPct = 0;
      let prevPaid = 0;
      schedule.forEach((m, k) => {
        const at = `/lines/${i}/schedule/${k}`;
        if (m.month !== k + 1) {
          errors.push({
            path: `${at}/month`,
            message: `${lineName(line, i)}：第${k + 1}项应为 ${k + 1} 月`,
            code,
          });
        }
        const pct = typeof m.progressPct === 'number' ? m.progressPct : 0;
        const paid = cents(m.disbursed);
        if (pct < prevPct) {
          errors.push({
            path: `${at}/progressPct`,
            message: `${lineName(line, i)}：${k + 1} 月累计进度不应低于上月`,
            code,
          });
        }
        if (paid < prevPaid) {
          errors.push({
            path: `${at}/disbursed`,
            message: `${lineName(line, i)}：${k + 1} 月累计拨付不应低于上月`,
            code,
          });
        }
        if (paid > total) {
          errors.push({
            path: `${at}/disbursed`,
            message: `${lineName(line, i)}：${k + 1} 月累计拨付 ${wan(paid)} 万元超过资金安排合计 ${wan(total)} 万元`,
            code,
          });
        }
        prevPct = Math.max(prevPct, pct);
        prevPaid = Math.max(prevPaid, paid);
      });
      const last = schedule[schedule.length - 1];
      if (line.crossYear !== true && schedule.length === 12 && last.progressPct !== 100) {
        errors.push({
          path: `/lines/${i}/schedule/11/progressPct`,
          message: `${lineName(line, i)}：非跨年度项目 12 月累计进度应为 100%`,
          code,
        });
      }
    });
    return errors;
  },
};
