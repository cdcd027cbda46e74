/** GET /allocation-rounds/{year} (city API): the round and each county's progress. */
import { dynamo } from '../../../core/clients';
import { ValidationFailed } from '../../../core/errors';
import { httpHandler, pathParam } from '../../../http/middleware';
import { getRound } from '../round';

export const handler = httpHandler(
  { needs: { table: true }, clients: (cfg) => ({ db: dynamo(cfg) }) },
  async (req) => {
    const raw = pathParam(req, 'year', 4);
    if (!/^\d{4}$/.test(raw)) throw new ValidationFailed([{ path: '/year', message: '年度须为四位数字' }]);
    return { body: await getRound(req.ctx, req.principal, Number(raw)) };
  },
);
