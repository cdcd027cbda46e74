/**
 * POST /workflows/{id}/instances (city API): a manual start by a role the definition's `manual`
 * trigger names. A county workflow is started in every county (or those listed) through
 * WorkflowStartRequested; a city workflow starts here. 202: the stacks start asynchronously.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StartAnswer } from '../../contracts/api';
import { dynamo, eventBridge, stepFunctions } from '../core/clients';
import { Forbidden, NotFound, ValidationFailed } from '../core/errors';
import { newEvent, outboxPut } from '../core/events';
import { runtime } from '../edge/runtime';
import { publishSoon, startInstance } from '../runtime/instances';
import { requestBody } from './body';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  {
    clients: (cfg) => ({ db: dynamo(cfg), events: eventBridge(cfg), sfn: stepFunctions(cfg) }),
    body: requestBody('start-instances'),
  },
  async (req): Promise<{ status: number; body: StartAnswer }> => {
    const rt = runtime(req.ctx);
    const workflowId = pathParam(req, 'id', 40);
    if (!/^[a-z][a-z0-9-]*$/.test(workflowId))
      throw new ValidationFailed([{ path: '/id', message: '流程编号无效' }]);
    const def = await rt.definitions.workflow(workflowId);
    if (!def) throw new NotFound('流程不存在');
    const roles = (def.triggers ?? []).flatMap((t) => t.manual?.roles ?? []);
    if (!req.principal.roles.some((r) => roles.includes(r))) throw new Forbidden('无权启动该流程');
    if ((def.stack ?? 'county') === 'city') {
      await startInstance(rt, { workflowId, input: req.body.input, by: req.principal.username });
      return { status: 202, body: { workflowId, stacks: ['city'] } };
    }
    const counties = req.body.counties?.map((c) => (typeof c === 'string' ? { code: c } : c));
    const at = rt.now().toISOString();
    const event = newEvent(rt.source, 'WorkflowStartRequested', {
      workflowId,
      input: req.body.input,
      counties,
      requestedBy: req.principal.username,
      at,
    });
    await rt.db.send(new PutCommand(outboxPut(rt.table, event, at).Put!));
    await publishSoon(rt, [event]);
    return { status: 202, body: { workflowId, stacks: counties?.map((c) => c.code) ?? ['*'] } };
  },
);
