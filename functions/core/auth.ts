/**
 * The caller, built only from verified token claims, and the policy questions the handlers ask.
 * The county of a caller comes from `custom:county` in the token, never from a path or a body.
 */
import type { Assignee } from '../../contracts/events';
import { COUNTY_ROLES as COUNTY_ROLE_LIST, ROLES, type Role } from '../../contracts/roles';
import { Forbidden, Unauthorized } from './errors';

export type { Assignee } from '../../contracts/events';
export { ROLES, type Role } from '../../contracts/roles';

const COUNTY_ROLES: ReadonlySet<Role> = new Set(COUNTY_ROLE_LIST);
/** Roles that may read every county's projects (read-only oversight). */
const READ_ALL_PROJECTS: ReadonlySet<Role> = new Set(['city_office', 'admin', 'supervisor', 'inspector']);

/** An authenticated caller. */
export interface Principal {
  sub: string;
  username: string;
  name: string;
  roles: Role[];
  /** Org unit id: `city_office`, `dept_jt`, `340102`, ... */
  org: string;
  /** County code for county and unit users; absent for city users. */
  county?: string;
}

/** API Gateway flattens array claims to `[a b]`; the twin may pass real arrays. Accept both. */
function parseGroups(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string') return [];
  const s = raw.trim();
  if (s.startsWith('[') && s.includes('"')) {
    try {
      const arr = JSON.parse(s) as unknown;
      if (Array.isArray(arr)) return arr.map(String);
    } catch {
      // fall through to the flattened form
    }
  }
  return s
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/**
 * Builds the principal from verified JWT claims. Throws Unauthorized when the claims are missing
 * or lack a subject, a known role or an org; a county-scoped role without a county is refused too.
 */
export function principalFromClaims(claims: Record<string, unknown> | undefined | null): Principal {
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') throw new Unauthorized();
  const roles = parseGroups(claims['cognito:groups']).filter((g): g is Role =>
    (ROLES as readonly string[]).includes(g),
  );
  const org = typeof claims['custom:org'] === 'string' ? (claims['custom:org'] as string) : '';
  if (roles.length === 0 || org === '') throw new Unauthorized('令牌缺少角色或所属单位');
  const countyClaim = claims['custom:county'];
  const county = typeof countyClaim === 'string' && countyClaim !== '' ? countyClaim : undefined;
  if (roles.some((r) => COUNTY_ROLES.has(r)) && !county) throw new Unauthorized('令牌缺少所属县区');
  const username =
    typeof claims['cognito:username'] === 'string' ? (claims['cognito:username'] as string) : claims.sub;
  const name = typeof claims.name === 'string' ? claims.name : username;
  return { sub: claims.sub, username, name, roles, org, county };
}

/** True when the principal holds any of `roles`. */
export function hasRole(p: Principal, ...roles: Role[]): boolean {
  return p.roles.some((r) => roles.includes(r));
}

/** Throws Forbidden unless the principal holds one of `roles`. */
export function requireRole(p: Principal, ...roles: Role[]): void {
  if (!hasRole(p, ...roles)) throw new Forbidden();
}

/**
 * Gate of every county API: a county-bound user may only call the API of its own county. City
 * users pass here and are checked per resource.
 */
export function assertCountyApiAccess(p: Principal, stackCounty: string): void {
  if (p.county !== undefined && p.county !== stackCounty) throw new Forbidden('无权访问其他县区的数据');
}

/** What a task looks like to the policy. */
export interface TaskFacts {
  county: string;
  assignee: Assignee;
}

/** The principal is the task's assignee (role and org both match; county users in their county). */
export function isAssignee(p: Principal, task: TaskFacts): boolean {
  if (!p.roles.includes(task.assignee.role)) return false;
  if (p.org !== task.assignee.org) return false;
  if (COUNTY_ROLES.has(task.assignee.role) && p.county !== task.county) return false;
  return true;
}

/**
 * May read the task: its assignee, the city office and admins (oversight), and the county office
 * of the task's county (it follows its own county's work).
 */
export function canReadTask(p: Principal, task: TaskFacts): boolean {
  if (isAssignee(p, task)) return true;
  if (hasRole(p, 'city_office', 'admin')) return true;
  if (p.roles.includes('county_office') && p.county === task.county) return true;
  return false;
}

/** May complete or save a draft of the task: only its assignee. */
export function canCompleteTask(p: Principal, task: TaskFacts): boolean {
  return isAssignee(p, task);
}

/** What a project looks like to the policy. */
export interface ProjectFacts {
  county: string;
  leadDept: string;
}

/** May see the project: oversight roles, its lead department, and users of its county. */
export function canSeeProject(p: Principal, project: ProjectFacts): boolean {
  if (hasRole(p, ...READ_ALL_PROJECTS)) return true;
  if (p.roles.includes('city_dept') && p.org === project.leadDept) return true;
  if (hasRole(p, 'county_office', 'project_unit') && p.county === project.county) return true;
  return false;
}

/** Which slice of the cross-county project list a principal may list. */
export type ProjectScope =
  | { kind: 'all' }
  | { kind: 'dept'; dept: string }
  | { kind: 'county'; county: string };

/** The project-list scope of a principal (the widest it holds). */
export function projectScope(p: Principal): ProjectScope {
  if (hasRole(p, ...READ_ALL_PROJECTS)) return { kind: 'all' };
  if (p.roles.includes('city_dept')) return { kind: 'dept', dept: p.org };
  if (p.county) return { kind: 'county', county: p.county };
  throw new Forbidden();
}

/** May see a stack's instances and progress: city-level roles see all, county users their own. */
export function canSeeStack(p: Principal, stack: string): boolean {
  if (hasRole(p, 'city_office', 'city_dept', 'admin', 'supervisor', 'inspector')) return true;
  return p.county === stack;
}
