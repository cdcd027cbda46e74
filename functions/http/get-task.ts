/** GET /tasks/{id} (county API): the task, its pinned form, its data and the rounds before it. */

import { dynamo, stepFunctions } from '../core/clients';
import { taskView } from '../core/task';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  {
    needs: { table: true },
    countyGate: true,
    clients: (cfg) => ({ db: dynamo(cfg), sfn: stepFunctions(cfg) }),
  },
  async (req) => ({
    body: await taskView(req.ctx, req.principal, pathParam(req, 'id', 64)),
  }),
);
