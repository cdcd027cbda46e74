/** GET /projects/{id}/history (county API): every change of the project: who, when, what, which round. */

import { dynamo } from '../core/clients';
import { projectHistory } from '../core/project';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  { needs: { table: true }, countyGate: true, clients: (cfg) => ({ db: dynamo(cfg) }) },
  async (req) => ({
    body: await projectHistory(req.ctx, req.principal, pathParam(req, 'id', 64)),
  }),
);
