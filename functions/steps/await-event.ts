/** AwaitEvent (waitForTaskToken): registers the execution as waiting for an event about its subject. */
import type { AwaitEventPayload } from '../../contracts/steps';
import { stepContext } from '../edge/runtime';
import { awaitEvent } from '../runtime/steps';

const rt = stepContext({ table: true }, { db: true });

export const handler = async (event: AwaitEventPayload): Promise<{ waiting: true }> => awaitEvent(rt, event);
