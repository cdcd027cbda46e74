import type { FieldError } from '../types';
import type { FormRule } from './types';
import { cents, lineName, linesOf, obj, str, wan } from './util';

const LEVELS = { city: '市级', county: '县级' } as const;

/**
 * The city and county matching-fund commitments cover the required share of the line's planned city
 * and county funds (setting `matchingFundsShare`, default 1 = in full, 足额), per level.
 */
export const matchingFundsShare: FormRule = {
  name: 'matchingFundsShare',
  description: {
    zh: '市、县配套资金承诺不低于规定比例（默认足额）的市、县级资金安排',
    en: 'City and county matching commitments cover the required share (default: all) of the planned city and county funds',
  },
  needs: [],
  check(data, ctx) {
    const errors: FieldError[] = [];
    const { matchingFundsShare: share, matchingFundsShareByProject: byProject } = ctx.settings;
    linesOf(data).forEach((line, i) => {
      const code = str(line.projectCode);
      const lineShare = Object.hasOwn(byProject, code) ? byProject[code] : share;
      const funds = obj(line.funds);
      const matching = obj(line.matching);
      for (const level of Object.keys(LEVELS) as (keyof typeof LEVELS)[]) {
        const required = Math.ceil(cents(funds[level]) * lineShare - 1e-9);
        const committed = cents(matching[level]);
        if (committed < required) {
          const pct = Math.round(lineShare * 1000) / 10;
          errors.push({
            path: `/lines/${i}/matching/${level}`,
            message: `${lineName(line, i)}：${LEVELS[level]}配套承诺 ${wan(committed)} 万元，低于要求的 ${wan(required)} 万元（${LEVELS[level]}资金安排的 ${pct}%）`,
            code: 'rule.matchingFundsShare',
          });
        }
      }
    });
    return errors;
  },
};
