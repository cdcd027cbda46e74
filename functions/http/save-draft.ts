/** PUT /tasks/{id}/draft (county API): keeps unfinished form data on the open task. */

import { dynamo } from '../core/clients';
import { saveDraft } from '../core/task';
import { requestBody } from './body';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  {
    needs: { table: true },
    countyGate: true,
    clients: (cfg) => ({ db: dynamo(cfg) }),
    body: requestBody('save-draft'),
  },
  async (req) => ({ body: await saveDraft(req.ctx, req.principal, pathParam(req, 'id', 64), req.body.data) }),
);
