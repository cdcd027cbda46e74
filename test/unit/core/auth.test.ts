import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  assertCountyApiAccess,
  canCompleteTask,
  canReadTask,
  canSeeProject,
  canSeeStack,
  type Principal,
  principalFromClaims,
  projectScope,
} from '../../../functions/core/auth';
import { Forbidden, Unauthorized } from '../../../functions/core/errors';

const CLAIMS = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/api/claims.json'), 'utf8'),
) as Record<string, Record<string, unknown>>;
const p = (name: string): Principal => principalFromClaims(CLAIMS[name]);

describe('principal from verified claims', () => {
  test('reads flattened, JSON-string and array group claims alike', () => {
    expect(p('county_340102')).toEqual({
      sub: 'u-county-340102',
      username: 'county_340102',
      name: '周婷（瑶海区民生办）',
      roles: ['county_office'],
      org: '340102',
      county: '340102',
    });
    expect(p('city_office').roles).toEqual(['city_office']);
    expect(p('dept_jt')).toMatchObject({ roles: ['city_dept'], org: 'dept_jt', county: undefined });
  });

  test('refuses missing claims, unknown-only roles and a county role without a county', () => {
    expect(() => principalFromClaims(undefined)).toThrow(Unauthorized);
    expect(() => principalFromClaims({ sub: '' })).toThrow(Unauthorized);
    expect(() => principalFromClaims(CLAIMS.unknown_role_only)).toThrow(Unauthorized);
    expect(() => principalFromClaims(CLAIMS.county_role_without_county)).toThrow(Unauthorized);
  });
});

describe('county API gate', () => {
  test('a county user may call only its own county API; city users pass to per-resource checks', () => {
    expect(() => assertCountyApiAccess(p('county_340102'), '340102')).not.toThrow();
    expect(() => assertCountyApiAccess(p('county_340102'), '340103')).toThrow(Forbidden);
    expect(() => assertCountyApiAccess(p('unit_340102'), '340103')).toThrow(Forbidden);
    expect(() => assertCountyApiAccess(p('dept_jt'), '340103')).not.toThrow();
  });
});

describe('task policy', () => {
  const proposal = { county: '340102', assignee: { role: 'county_office' as const, org: '340102' } };
  const jtReview = { county: '340102', assignee: { role: 'city_dept' as const, org: 'dept_jt' } };
  const cityReview = { county: '340102', assignee: { role: 'city_office' as const, org: 'city_office' } };

  test('only the assignee completes a task', () => {
    expect(canCompleteTask(p('county_340102'), proposal)).toBe(true);
    expect(canCompleteTask(p('county_340103'), proposal)).toBe(false);
    expect(canCompleteTask(p('city_office'), proposal)).toBe(false);
    expect(canCompleteTask(p('dept_jt'), jtReview)).toBe(true);
    expect(canCompleteTask(p('city_office'), cityReview)).toBe(true);
    // Same org as the city office, another role: may not act for it.
    expect(canCompleteTask(p('supervisor_1'), cityReview)).toBe(false);
    expect(canCompleteTask(p('admin'), cityReview)).toBe(false);
  });

  test('the county office follows its own county; the city office and admins oversee; others see nothing', () => {
    expect(canReadTask(p('county_340102'), jtReview)).toBe(true);
    expect(canReadTask(p('county_340103'), jtReview)).toBe(false);
    expect(canReadTask(p('city_office'), proposal)).toBe(true);
    expect(canReadTask(p('admin'), proposal)).toBe(true);
    expect(canReadTask(p('dept_jt'), proposal)).toBe(false);
    expect(canReadTask(p('unit_340102'), proposal)).toBe(false);
    expect(canReadTask(p('supervisor_1'), proposal)).toBe(false);
  });
});

describe('project policy', () => {
  const road = { county: '340102', leadDept: 'dept_jt' };
  test('oversight roles, the lead department and the county itself see a project', () => {
    for (const who of ['city_office', 'supervisor_1', 'admin', 'dept_jt', 'county_340102', 'unit_340102']) {
      expect(canSeeProject(p(who), road), who).toBe(true);
    }
    expect(canSeeProject(p('county_340103'), road)).toBe(false);
    expect(canSeeProject(p('dept_jt'), { county: '340102', leadDept: 'dept_yb' })).toBe(false);
  });

  test('list scopes follow the same rule', () => {
    expect(projectScope(p('city_office'))).toEqual({ kind: 'all' });
    expect(projectScope(p('dept_jt'))).toEqual({ kind: 'dept', dept: 'dept_jt' });
    expect(projectScope(p('unit_340102'))).toEqual({ kind: 'county', county: '340102' });
  });

  test('round progress: city-level roles see every county, county users their own', () => {
    expect(canSeeStack(p('dept_jt'), '340103')).toBe(true);
    expect(canSeeStack(p('county_340102'), '340102')).toBe(true);
    expect(canSeeStack(p('county_340102'), '340103')).toBe(false);
  });
});
