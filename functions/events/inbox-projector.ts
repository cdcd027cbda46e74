/**
 * InboxProjector (city stack; rule on the counties' TaskOpened, TaskCompleted, AllocationStepChanged):
 * keeps the city inbox and each county's round progress. Ordered by version, so duplicates and late
 * events change nothing.
 */

import { dynamo } from '../core/clients';
import { config } from '../core/config';
import { createContext } from '../core/context';
import type { AllocationStepChanged, TaskCompleted, TaskOpened } from '../core/events';
import { projectProgress, projectTask } from '../core/readmodel';

const cfg = config({ table: true });
const ctx = createContext(cfg, { db: dynamo(cfg) });

type BusEvent =
  | { 'detail-type': 'TaskOpened'; detail: TaskOpened }
  | { 'detail-type': 'TaskCompleted'; detail: TaskCompleted }
  | { 'detail-type': 'AllocationStepChanged'; detail: AllocationStepChanged };

export const handler = async (event: BusEvent): Promise<{ applied: boolean }> => {
  switch (event['detail-type']) {
    case 'TaskOpened':
    case 'TaskCompleted':
      return { applied: await projectTask(ctx, event.detail.task, event.detail.eventId) };
    case 'AllocationStepChanged':
      return { applied: await projectProgress(ctx, event.detail) };
    default:
      throw new Error(`InboxProjector: unexpected ${(event as { 'detail-type': string })['detail-type']}`);
  }
};
