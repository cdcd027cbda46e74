/** PUT /tasks/{id}/draft (task API): keeps unfinished form data on the open task. */
import { dynamo } from '../core/clients';
import { runtime } from '../edge/runtime';
import { saveDraft } from '../runtime/tasks/draft';
import { requestBody } from './body';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  {
    needs: { table: true },
    countyGate: true,
    clients: (cfg) => ({ db: dynamo(cfg) }),
    body: requestBody('save-draft'),
  },
  async (req) => ({
    body: await saveDraft(runtime(req.ctx), req.principal, pathParam(req, 'id', 64), req.body.data),
  }),
);
