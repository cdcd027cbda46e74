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
}

export const ROUTES = [
  { api: 'city', method: 'GET', path: '/health', fn: 'Health', auth: 'none' },
  { api: 'county', method: 'GET', path: '/health', fn: 'Health', auth: 'none' },
] as const satisfies readonly RouteSpec[];

/** `GET /tasks/{id}`: the routeKey API Gateway puts in the event. */
export function routeKey(r: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${r.method} ${r.path}`;
}
