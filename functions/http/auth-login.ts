/** POST /auth/login (city API, no JWT): password login against the twin's local identity. */
import { config } from '../core/config';
import { login } from '../core/login';
import { httpHandler } from './middleware';

interface Body {
  username: string;
  password: string;
}

export const handler = httpHandler<Body>(
  {
    needs: {},
    auth: 'none',
    body: {
      type: 'object',
      fields: {
        username: { type: 'string', minLength: 1, maxLength: 64, label: '用户名' },
        password: { type: 'string', minLength: 1, maxLength: 256, label: '密码' },
      },
    },
  },
  async (req) => ({ body: await login(config({}).localIdentityUrl, req.body.username, req.body.password) }),
);
