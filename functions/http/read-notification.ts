/** POST /notifications/{id}/read (city API): the recipient marks a notification read. */
import { dynamo } from '../core/clients';
import { markNotificationRead } from '../runtime/views';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  { needs: { table: true }, clients: (cfg) => ({ db: dynamo(cfg) }) },
  async (req) => ({ body: await markNotificationRead(req.ctx, req.principal, pathParam(req, 'id', 64)) }),
);
