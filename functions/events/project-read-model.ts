/** ProjectReadModel (city stack; rule on counties' ProjectCreated): keeps the cross-county project list. */
import type { ProjectEvent } from '../../contracts/events';
import { countyOfSource } from '../../contracts/sources';
import { dynamo } from '../core/clients';
import { config } from '../core/config';
import { createContext } from '../core/context';
import { log } from '../core/log';
import { projectProject } from '../runtime/views';
import type { BusEvent } from './bus-event';

const cfg = config({ table: true });
const ctx = createContext(cfg, { db: dynamo(cfg) });

export const handler = async (event: BusEvent<ProjectEvent>): Promise<{ applied: boolean }> => {
  if (event['detail-type'] !== 'ProjectCreated')
    throw new Error(`ProjectReadModel: unexpected ${event['detail-type']}`);
  if (countyOfSource(event.source) !== event.detail.project?.county) {
    log.warn('project of another county than its source; refused', { source: event.source });
    return { applied: false };
  }
  return { applied: await projectProject(ctx, event.detail.project, event.detail.eventId) };
};
