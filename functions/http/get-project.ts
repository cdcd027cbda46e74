/** GET /projects/{id} (county API): one project of this county with its fund accounts. */

import { dynamo } from '../core/clients';
import { getProject } from '../core/project';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  { needs: { table: true }, countyGate: true, clients: (cfg) => ({ db: dynamo(cfg) }) },
  async (req) => ({
    body: await getProject(req.ctx, req.principal, pathParam(req, 'id', 64)),
  }),
);
