/** POST /allocation-rounds (city API, city_office): opens a year's 二上二下; 202, the counties start asynchronously. */

import { dynamo, eventBridge } from '../core/clients';
import type { OpenRoundRequest } from '../core/round';
import { openRound } from '../core/round';
import { httpHandler } from './middleware';

const CODE = /^[A-Za-z0-9_-]+$/;

export const handler = httpHandler<OpenRoundRequest>(
  {
    clients: (cfg) => ({ db: dynamo(cfg), events: eventBridge(cfg) }),
    body: {
      type: 'object',
      fields: {
        year: { type: 'integer', min: 2000, max: 2100, label: '年度' },
        projects: {
          type: 'array',
          minItems: 1,
          maxItems: 200,
          label: '项目清单',
          items: {
            type: 'object',
            fields: {
              code: { type: 'string', minLength: 1, maxLength: 32, pattern: CODE, label: '项目编码' },
              name: { type: 'string', minLength: 1, maxLength: 100, label: '项目名称' },
              leadDept: {
                type: 'string',
                minLength: 1,
                maxLength: 32,
                pattern: /^[a-z0-9_]+$/,
                label: '牵头部门',
              },
              category: { type: 'enum', values: ['construction', 'subsidy'], label: '项目类别' },
              unit: { type: 'string', minLength: 1, maxLength: 16, optional: true, label: '计量单位' },
            },
          },
        },
        counties: {
          type: 'array',
          optional: true,
          minItems: 1,
          maxItems: 50,
          label: '参与县区',
          items: {
            type: 'oneOf',
            label: '县区',
            options: [
              { type: 'string', minLength: 1, maxLength: 16, pattern: CODE },
              {
                type: 'object',
                fields: {
                  code: { type: 'string', minLength: 1, maxLength: 16, pattern: CODE },
                  name: { type: 'string', minLength: 1, maxLength: 64, optional: true },
                },
              },
            ],
          },
        },
      },
    },
  },
  async (req) => ({ status: 202, body: await openRound(req.ctx, req.principal, req.body) }),
);
