import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { orgNames, webConfigDocument } from '../../../functions/core/web-config';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const json = (p: string) => JSON.parse(readFileSync(path.join(ROOT, p), 'utf8'));

describe('the web config document', () => {
  it('carries the org names beside the APIs, with API bases joined without a trailing slash', () => {
    const doc = webConfigDocument({
      cityApi: 'https://city.example/',
      counties: [{ code: '340102', name: '瑶海区', api: 'https://c1.example/' }],
      auth: { kind: 'cognito' },
    });
    expect(Object.keys(doc).sort()).toEqual(['auth', 'cityApi', 'counties', 'orgs']);
    expect(doc.cityApi).toBe('https://city.example');
    expect(doc.counties).toEqual([{ code: '340102', name: '瑶海区', api: 'https://c1.example' }]);
    expect(doc.orgs).toContainEqual({
      id: 'dept_yb',
      name: '医疗保障局',
      nameEn: 'Healthcare Security Bureau',
    });
    expect(doc.orgs.find((o) => o.id === 'city_office')?.name).toBe('合肥市财政局（市民生办）');
  });

  it('names every lead department of the catalogues and every city-level demo user org', () => {
    const known = new Set(orgNames().map((o) => o.id));
    const depts = [
      ...json('local/demo-catalog.json').projects,
      ...json('test/fixtures/api/catalogue.json').projects,
    ].map((p: { leadDept: string }) => p.leadDept);
    const userOrgs = json('local/seed/users.json')
      .users.filter((u: { county?: string }) => !u.county)
      .map((u: { org: string }) => u.org);
    const missing = [...new Set([...depts, ...userOrgs])].filter((id) => !known.has(id));
    expect(missing).toEqual([]);
    for (const o of orgNames()) {
      expect(o.name).toMatch(/\p{Script=Han}/u);
      expect(o.nameEn).toMatch(/^[A-Z]/);
    }
  });
});
