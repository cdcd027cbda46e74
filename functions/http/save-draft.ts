/** PUT /tasks/{id}/draft (county API): keeps unfinished form data on the open task. */

import { dynamo } from '../core/clients';
import { saveDraft } from '../core/task';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler<{ data: Record<string, unknown> }>(
  {
    needs: { table: true },
    countyGate: true,
    clients: (cfg) => ({ db: dynamo(cfg) }),
    body: { type: 'object', fields: { data: { type: 'json-object', label: '表单数据' } } },
  },
  async (req) => ({ body: await saveDraft(req.ctx, req.principal, pathParam(req, 'id', 64), req.body.data) }),
);
