/** GET /projects?year=&limit=&nextToken= (city API): the projects the caller may see, across counties. */

import { dynamo } from '../core/clients';
import { ValidationFailed } from '../core/errors';
import { pageSize } from '../core/paging';
import { listProjects } from '../runtime/views';
import { httpHandler } from './middleware';

export const handler = httpHandler(
  { needs: { table: true }, clients: (cfg) => ({ db: dynamo(cfg) }), query: ['year', 'limit', 'nextToken'] },
  async (req) => {
    const year = req.query.year;
    if (!year || !/^\d{4}$/.test(year))
      throw new ValidationFailed([{ path: '/year', message: '请指定四位数字的年度' }]);
    return {
      body: await listProjects(req.ctx, req.principal, {
        year: Number(year),
        limit: pageSize(req.query.limit),
        nextToken: req.query.nextToken,
      }),
    };
  },
);
