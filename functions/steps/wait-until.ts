/** WaitUntil: the moment a wait step waits for (the execution's Wait state reads it). */
import type { WaitPayload, WaitResult } from '../../contracts/steps';
import { stepContext } from '../edge/runtime';
import { waitUntil } from '../runtime/steps';

const rt = stepContext({ table: true }, { db: true });

export const handler = async (event: WaitPayload): Promise<WaitResult> => waitUntil(rt, event);
