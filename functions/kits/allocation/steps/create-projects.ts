/** CreateProjects: the allocation's system step after 二下 (see ../projects.ts). */
import type { SystemStepPayload } from '../../../../contracts/steps';
import { stepContext } from '../../../edge/runtime';
import { createProjects } from '../projects';

const rt = stepContext({ table: true, bus: true }, { db: true, events: true });

export const handler = async (
  event: SystemStepPayload,
): Promise<{ created: number; projectIds: string[] }> => {
  if (event?.kind !== 'system' || !event.instance)
    throw new Error('CreateProjects: not a system-step payload');
  return createProjects(rt, event);
};
