/**
 * OpenTask: the target of every human step (`lambda:invoke.waitForTaskToken`). Stores the open task
 * and returns; the execution waits until the task is completed through the task API.
 */
import type { OpenTaskPayload, OpenTaskResult } from '../../contracts/steps';
import { stepContext } from '../edge/runtime';
import { openTask } from '../runtime/tasks/open';

const rt = stepContext({ table: true, bus: true }, { db: true, events: true });

export const handler = async (event: OpenTaskPayload): Promise<OpenTaskResult> => openTask(rt, event);
