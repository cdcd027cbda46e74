/**
 * What the allocation kit (二上二下) adds to the platform: the city office's round API, the system step
 * that turns approved lines into projects, and the fan-out lists of its parallel reviews.
 */
import type { KitManifest } from '../../../contracts/manifest';

export const ALLOCATION_MANIFEST = {
  id: 'allocation',
  lists: ['proposalLeadDepts', 'planLeadDepts'],
  triggers: [],
  functions: [
    {
      id: 'CreateProjects',
      entry: 'functions/kits/allocation/steps/create-projects.ts',
      handler: 'handler',
      stacks: ['county'],
      description:
        'Allocation system step: turns the approved 二下 lines into the county projects of the year',
      access: ['table:readWrite', 'events:publish'],
    },
    {
      id: 'OpenRound',
      entry: 'functions/kits/allocation/http/open-round.ts',
      handler: 'handler',
      stacks: ['city'],
      description: 'POST /allocation-rounds: the city office opens a year of 二上二下 for the counties',
      access: ['table:readWrite', 'events:publish'],
    },
    {
      id: 'GetRound',
      entry: 'functions/kits/allocation/http/get-round.ts',
      handler: 'handler',
      stacks: ['city'],
      description: 'GET /allocation-rounds/{year}: round progress per county (read model)',
      access: ['table:read'],
    },
  ],
  routes: [
    { api: 'city', method: 'POST', path: '/allocation-rounds', fn: 'OpenRound', auth: 'jwt' },
    { api: 'city', method: 'GET', path: '/allocation-rounds/{year}', fn: 'GetRound', auth: 'jwt' },
  ],
} as const satisfies KitManifest;
