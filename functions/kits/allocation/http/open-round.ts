/** POST /allocation-rounds (city API, city_office): opens a year's 二上二下; 202, the counties start asynchronously. */
import { dynamo, eventBridge } from '../../../core/clients';
import { requestBody } from '../../../http/body';
import { httpHandler } from '../../../http/middleware';
import { openRound } from '../round';

export const handler = httpHandler(
  { clients: (cfg) => ({ db: dynamo(cfg), events: eventBridge(cfg) }), body: requestBody('open-round') },
  async (req) => ({ status: 202, body: await openRound(req.ctx, req.principal, req.body) }),
);
