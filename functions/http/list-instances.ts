/**
 * GET /workflows/{id}/instances?subject= (city API): each stack's instance of a workflow for a
 * subject, with its status and the steps open there since when. County users see their own county.
 */

import { canSeeStack } from '../core/auth';
import { dynamo } from '../core/clients';
import { ValidationFailed } from '../core/errors';
import { instanceViews } from '../runtime/views';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  { needs: { table: true }, clients: (cfg) => ({ db: dynamo(cfg) }), query: ['subject'] },
  async (req) => {
    const workflowId = pathParam(req, 'id', 40);
    const subject = req.query.subject;
    if (!/^[a-z][a-z0-9-]*$/.test(workflowId))
      throw new ValidationFailed([{ path: '/id', message: '流程编号无效' }]);
    if (!subject || !/^[A-Za-z0-9_.:-]{1,60}$/.test(subject)) {
      throw new ValidationFailed([{ path: '/subject', message: '请指定办理对象编号 subject' }]);
    }
    const items = (await instanceViews(req.ctx, workflowId, subject)).filter((v) =>
      canSeeStack(req.principal, v.stack),
    );
    return { body: { items } };
  },
);
