/**
 * The one route table. CDK adds each route to the HTTP API of its stack kind (with the JWT
 * authorizer unless `auth` is 'none'); the local twin's gateway serves the same routes, the city API
 * under `/api` and each county's API under `/county/{code}/api`.
 */
import type { FunctionId, StackKind } from './registry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  api: StackKind;
  method: HttpMethod;
  /** API Gateway path syntax: `/tasks/{id}`. */
  path: string;
  fn: FunctionId;
  /** 'jwt' (default) verifies the bearer token as the HTTP API JWT authorizer does. */
  auth: 'jwt' | 'none';
  /** Served only by the local twin; CDK skips it (see FunctionSpec.twinOnly). */
  twinOnly?: boolean;
}

export const ROUTES = [
  { api: 'city', method: 'GET', path: '/health', fn: 'Health', auth: 'none' },
  { api: 'county', method: 'GET', path: '/health', fn: 'Health', auth: 'none' },
  // allocation API (issue 4)
  { api: 'city', method: 'POST', path: '/auth/login', fn: 'AuthLogin', auth: 'none', twinOnly: true },
  { api: 'city', method: 'GET', path: '/me', fn: 'Me', auth: 'jwt' },
  { api: 'city', method: 'POST', path: '/allocation-rounds', fn: 'OpenRound', auth: 'jwt' },
  { api: 'city', method: 'GET', path: '/allocation-rounds/{year}', fn: 'GetRound', auth: 'jwt' },
  { api: 'city', method: 'GET', path: '/tasks', fn: 'ListInbox', auth: 'jwt' },
  { api: 'city', method: 'GET', path: '/projects', fn: 'ListProjects', auth: 'jwt' },
  { api: 'county', method: 'GET', path: '/tasks/{id}', fn: 'GetTask', auth: 'jwt' },
  { api: 'county', method: 'PUT', path: '/tasks/{id}/draft', fn: 'SaveDraft', auth: 'jwt' },
  { api: 'county', method: 'POST', path: '/tasks/{id}/complete', fn: 'CompleteTask', auth: 'jwt' },
  { api: 'county', method: 'GET', path: '/projects/{id}', fn: 'GetProject', auth: 'jwt' },
  { api: 'county', method: 'GET', path: '/projects/{id}/history', fn: 'GetProjectHistory', auth: 'jwt' },
] as const satisfies readonly RouteSpec[];

/** `GET /tasks/{id}`: the routeKey API Gateway puts in the event. */
export function routeKey(r: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${r.method} ${r.path}`;
}

/** The routes CDK deploys: every route but the twin-only ones. */
export function deployedRoutes(): readonly RouteSpec[] {
  return (ROUTES as readonly RouteSpec[]).filter((r) => !r.twinOnly);
}
