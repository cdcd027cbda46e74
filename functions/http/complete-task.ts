/**
 * POST /tasks/{id}/complete (county API): `{outcome, data, comment?, returnTo?}` with an
 * `Idempotency-Key` header. A repeat with the same key returns the first answer.
 */

import { dynamo, eventBridge, stepFunctions } from '../core/clients';
import { ValidationFailed } from '../core/errors';
import { type CompleteRequest, completeTask } from '../core/task';
import { httpHandler, pathParam } from './middleware';

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export const handler = httpHandler<CompleteRequest>(
  {
    countyGate: true,
    clients: (cfg) => ({ db: dynamo(cfg), events: eventBridge(cfg), sfn: stepFunctions(cfg) }),
    body: {
      type: 'object',
      fields: {
        outcome: { type: 'enum', values: ['submit', 'approve', 'return', 'reject'], label: '办理结果' },
        data: { type: 'json-object', label: '表单数据' },
        comment: { type: 'string', maxLength: 2000, optional: true, label: '意见' },
        returnTo: { type: 'string', maxLength: 64, optional: true, label: '退回环节' },
      },
    },
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
    return { body: await completeTask(req.ctx, req.principal, pathParam(req, 'id', 64), req.body, key) };
  },
);
