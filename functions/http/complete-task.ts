/**
 * POST /tasks/{id}/complete (task API): `{outcome, data, comment?, returnTo?}` with an
 * `Idempotency-Key` header. A repeat with the same key returns the first answer.
 */

import { dynamo, eventBridge, stepFunctions } from '../core/clients';
import { ValidationFailed } from '../core/errors';
import { runtime } from '../edge/runtime';
import { completeTask } from '../runtime/tasks/complete';
import { requestBody } from './body';
import { httpHandler, pathParam } from './middleware';

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export const handler = httpHandler(
  {
    countyGate: true,
    clients: (cfg) => ({ db: dynamo(cfg), events: eventBridge(cfg), sfn: stepFunctions(cfg) }),
    body: requestBody('complete-task'),
  },
  async (req) => {
    const key = req.headers['idempotency-key'];
    if (!key || !KEY.test(key)) {
      throw new ValidationFailed([
        {
          path: '/headers/idempotency-key',
          message: '缺少或无效的 Idempotency-Key 请求头（8-128 位字母数字）',
        },
      ]);
    }
    return {
      body: await completeTask(runtime(req.ctx), req.principal, pathParam(req, 'id', 64), req.body, key),
    };
  },
);
