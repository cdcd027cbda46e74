/** POST /allocation-rounds (city API, city_office): opens a year's 二上二下; 202, the counties start asynchronously. */

import { dynamo, eventBridge } from '../core/clients';
import { openRound } from '../core/round';
import { requestBody } from './body';
import { httpHandler } from './middleware';

export const handler = httpHandler(
  {
    clients: (cfg) => ({ db: dynamo(cfg), events: eventBridge(cfg) }),
    body: requestBody('open-round'),
  },
  async (req) => ({ status: 202, body: await openRound(req.ctx, req.principal, req.body) }),
);
