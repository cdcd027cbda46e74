/** GET /tasks/{id} (task API): the task, its pinned form, its data, rule facts and earlier submissions. */
import { dynamo, stepFunctions } from '../core/clients';
import { runtime } from '../edge/runtime';
import { taskView } from '../runtime/tasks/view';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  {
    needs: { table: true },
    countyGate: true,
    clients: (cfg) => ({ db: dynamo(cfg), sfn: stepFunctions(cfg) }),
  },
  async (req) => ({ body: await taskView(runtime(req.ctx), req.principal, pathParam(req, 'id', 64)) }),
);
