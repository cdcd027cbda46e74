/** GET /me (city API): the caller as the verified token describes it. */
import { httpHandler } from './middleware';

export const handler = httpHandler({ needs: {} }, async (req) => ({ body: req.principal }));
