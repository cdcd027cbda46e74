/** ProjectReadModel (city stack; rule on ProjectCreated): keeps the cross-county project list. */

import { dynamo } from '../core/clients';
import { config } from '../core/config';
import { createContext } from '../core/context';
import type { ProjectCreated } from '../core/events';
import { projectProject } from '../core/readmodel';

const cfg = config({ table: true });
const ctx = createContext(cfg, { db: dynamo(cfg) });

export const handler = async (event: {
  'detail-type': string;
  detail: ProjectCreated;
}): Promise<{ applied: boolean }> => {
  if (event['detail-type'] !== 'ProjectCreated')
    throw new Error(`ProjectReadModel: unexpected ${event['detail-type']}`);
  return { applied: await projectProject(ctx, event.detail.project, event.detail.eventId) };
};
