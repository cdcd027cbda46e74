/**
 * The one route table: the runtime's routes, then each kit's. CDK adds each route to the HTTP API of
 * its stack kind (with the JWT authorizer unless `auth` is 'none'); the local twin's gateway serves
 * the same routes, the city API under `/api` and each county's API under `/county/{code}/api`.
 */
import type { RouteSpec } from '../contracts/manifest';
import { KIT_MANIFESTS } from './kits/manifests';

export type { HttpMethod, RouteSpec } from '../contracts/manifest';

/** The task API, served by every stack that runs workflows. */
const TASK_ROUTES = (['county', 'city'] as const).flatMap((api): RouteSpec[] => [
  { api, method: 'GET', path: '/tasks/{id}', fn: 'GetTask', auth: 'jwt' },
  { api, method: 'PUT', path: '/tasks/{id}/draft', fn: 'SaveDraft', auth: 'jwt' },
  { api, method: 'POST', path: '/tasks/{id}/complete', fn: 'CompleteTask', auth: 'jwt' },
]);

export const RUNTIME_ROUTES: readonly RouteSpec[] = [
  { api: 'city', method: 'GET', path: '/health', fn: 'Health', auth: 'none' },
  { api: 'county', method: 'GET', path: '/health', fn: 'Health', auth: 'none' },
  { api: 'city', method: 'POST', path: '/auth/login', fn: 'AuthLogin', auth: 'none', twinOnly: true },
  { api: 'city', method: 'GET', path: '/me', fn: 'Me', auth: 'jwt' },
  { api: 'city', method: 'GET', path: '/tasks', fn: 'ListInbox', auth: 'jwt' },
  { api: 'city', method: 'GET', path: '/notifications', fn: 'ListNotifications', auth: 'jwt' },
  { api: 'city', method: 'POST', path: '/notifications/{id}/read', fn: 'ReadNotification', auth: 'jwt' },
  { api: 'city', method: 'POST', path: '/workflows/{id}/instances', fn: 'StartInstances', auth: 'jwt' },
  { api: 'city', method: 'GET', path: '/workflows/{id}/instances', fn: 'ListInstances', auth: 'jwt' },
  { api: 'city', method: 'GET', path: '/projects', fn: 'ListProjects', auth: 'jwt' },
  ...TASK_ROUTES,
  { api: 'county', method: 'GET', path: '/projects/{id}', fn: 'GetProject', auth: 'jwt' },
  { api: 'county', method: 'GET', path: '/projects/{id}/history', fn: 'GetProjectHistory', auth: 'jwt' },
];

/** Every route: the runtime's, then each kit's. */
export const ROUTES: readonly RouteSpec[] = [
  ...RUNTIME_ROUTES,
  ...KIT_MANIFESTS.flatMap((k) => k.routes ?? []),
];

/** `GET /tasks/{id}`: the routeKey API Gateway puts in the event. */
export function routeKey(r: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${r.method} ${r.path}`;
}

/** The routes CDK deploys: every route but the twin-only ones. */
export function deployedRoutes(): readonly RouteSpec[] {
  return ROUTES.filter((r) => !r.twinOnly);
}
