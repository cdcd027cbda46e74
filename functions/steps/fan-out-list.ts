/** FanOutList: the list a fan-out step runs over, as the instance's kit computes it. */
import type { ListPayload, ListResult } from '../../contracts/steps';
import { stepContext } from '../edge/runtime';
import { fanOutList } from '../runtime/steps';

const rt = stepContext({ table: true }, { db: true });

export const handler = async (event: ListPayload): Promise<ListResult> => fanOutList(rt, event);
