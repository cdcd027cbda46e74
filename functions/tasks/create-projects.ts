/**
 * CreateProjects: the system step after 二下. Writes the approved lines as the county's projects
 * (fund accounts per source) and closes the county's allocation. Safe to retry.
 */

import { dynamo, eventBridge } from '../core/clients';
import { config } from '../core/config';
import { createContext } from '../core/context';
import { createProjects } from '../core/project';

const cfg = config();
const ctx = createContext(cfg, { db: dynamo(cfg), events: eventBridge(cfg) });

/** Payload of a system step (contracts). */
interface SystemStepPayload {
  kind: 'system';
  step: string;
  execution: { year: number };
  state?: unknown;
}

export const handler = async (
  event: SystemStepPayload,
): Promise<{ created: number; projectIds: string[] }> => {
  if (event?.kind !== 'system' || !Number.isInteger(event.execution?.year))
    throw new Error('CreateProjects: not a system-step payload');
  return createProjects(ctx, event.execution.year);
};
