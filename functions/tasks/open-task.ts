/**
 * OpenTask: the target of every human step (`lambda:invoke.waitForTaskToken`). Stores the open task
 * and returns; the execution waits until the task is completed through the county API.
 */

import { dynamo, eventBridge } from '../core/clients';
import { config } from '../core/config';
import { createContext } from '../core/context';
import { type OpenTaskPayload, openTask } from '../core/task';

const cfg = config();
const ctx = createContext(cfg, { db: dynamo(cfg), events: eventBridge(cfg) });

export const handler = async (event: OpenTaskPayload): Promise<{ taskId: string; created: boolean }> =>
  openTask(ctx, event);
