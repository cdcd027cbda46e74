/** POST /auth/login (city API, no JWT): password login against the twin's local identity. */
import { config } from '../core/config';
import { login } from '../core/login';
import { requestBody } from './body';
import { httpHandler } from './middleware';

export const handler = httpHandler(
  { needs: {}, auth: 'none', body: requestBody('auth-login') },
  async (req) => ({ body: await login(config({}).localIdentityUrl, req.body.username, req.body.password) }),
);
