/**
 * The roles of the platform (DESIGN §1). Identity groups, workflow `who.role`, the API's policy and
 * the web app all read this one list.
 */
export const ROLES = [
  'city_office',
  'city_dept',
  'county_office',
  'project_unit',
  'supervisor',
  'inspector',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose users belong to one county and only ever see that county. */
export const COUNTY_ROLES: readonly Role[] = ['county_office', 'project_unit'];

/** True when `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The org id of the city office; `org: "city"` in a workflow means it. */
export const CITY_OFFICE_ORG = 'city_office';
