import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../../forms/compat';
import { formVersions, getForm, latestForm, listForms } from '../../../forms/index';
import {
  canMigrate,
  fillRequiredDefaults,
  MigrationMissingError,
  migrateSubmission,
  migrateThrough,
} from '../../../forms/migrate';
import type { FormDefinition } from '../../../forms/types';
import { validateSubmission } from '../../../forms/validate';
import { FIXTURES, fixtureContext, readJson, samples } from './fixtures';

const ctx = fixtureContext();
const ids = [...new Set(listForms().map((d) => d.id))];
const pairs = ids.flatMap((id) => {
  const vs = formVersions(id);
  return vs.slice(1).map((to, i) => [`${id} v${vs[i].version} -> v${to.version}`, vs[i], to] as const);
});

describe('every published version step of every form', () => {
  it('includes at least one step (alloc-proposal v1 -> v2)', () => {
    expect(pairs.map((p) => p[0])).toContain('alloc-proposal v1 -> v2');
  });

  it.each(pairs)('%s is compatible or has a migration', (_name, from, to) => {
    expect(canMigrate(from, to), JSON.stringify(checkCompatibility(from, to))).toBe(true);
  });
});

describe('stored sample submissions', () => {
  const all = listForms().flatMap((d) =>
    samples(d.id, d.version).map(([f, data]) => [`${d.id}/v${d.version}/${f}`, d, data] as const),
  );
  it.each(all)('%s stays valid under its version and is accepted under the latest', (_name, def, data) => {
    expect(validateSubmission(def.id, def.version, data, ctx)).toEqual({ ok: true });
    const latest = latestForm(def.id);
    const migrated = migrateSubmission(def.id, def.version, data);
    expect(migrated.version).toBe(latest.version);
    expect(validateSubmission(def.id, latest.version, migrated.data, ctx)).toEqual({ ok: true });
  });
});

describe('checkCompatibility', () => {
  const wrap = (schema: any, version: number): FormDefinition => ({
    id: 'compat-case',
    version,
    title: { zh: '兼容性用例', en: 'Compatibility case' },
    schema,
    uiSchema: {},
    rules: [],
  });
  const cases = readdirSync(join(FIXTURES, 'compat'))
    .sort()
    .map((f) => [f.replace(/\.json$/, ''), readJson(`compat/${f}`)] as const);

  it.each(cases)('%s', (_name, fx) => {
    const found = checkCompatibility(wrap(fx.old, 1), wrap(fx.new, 2));
    expect(found.map((c) => c.code)).toEqual(fx.expected);
    for (const c of found) expect(c.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('works both ways on the real forms: v1 -> v2 of alloc-proposal is compatible, v2 -> v1 removes a field', () => {
    const v1 = getForm('alloc-proposal', 1);
    const v2 = getForm('alloc-proposal', 2);
    expect(checkCompatibility(v1, v2)).toEqual([]);
    expect(checkCompatibility(v2, v1)).toEqual([
      expect.objectContaining({ path: '/properties/contact', code: 'propertyRemoved' }),
    ]);
  });

  it('a breaking fixture pair really rejects old data, and a compatible one accepts it', async () => {
    const { createAjv } = await import('../../../forms/ajv');
    const ajv = createAjv();
    const breaking = readJson('compat/breaking-property-removed.json');
    const old = { name: 'x', kind: 'a', note: 'kept in old data' };
    expect(ajv.validate(breaking.old, old)).toBe(true);
    expect(ajv.validate(breaking.new, old)).toBe(false);
    const widened = readJson('compat/compatible-widened.json');
    expect(ajv.validate(widened.new, { ...old, lines: [{ code: 'a', qty: 3 }] })).toBe(true);
  });
});

describe('migrateSubmission', () => {
  it('fills the default of a property that became required with a default', () => {
    const fx = readJson('compat/compatible-required-with-default.json');
    const data = { name: 'x', kind: 'a' };
    expect(fillRequiredDefaults(fx.new, data)).toEqual({ name: 'x', kind: 'a', priority: 'normal' });
    expect(data).toEqual({ name: 'x', kind: 'a' });
  });

  it('refuses a breaking step without a migration and takes it with one', () => {
    const fx = readJson('compat/breaking-property-removed.json');
    const v1 = {
      id: 'case',
      version: 1,
      title: { zh: '用例', en: 'Case' },
      schema: fx.old,
      uiSchema: {},
      rules: [],
    };
    const v2 = { ...v1, version: 2, schema: fx.new };
    const data = { name: 'x', kind: 'a', note: 'dropped in v2' };
    expect(() => migrateThrough([v1, v2], data)).toThrow(MigrationMissingError);
    const dropNote = (d: any) => {
      const { note: _note, ...rest } = d;
      return rest;
    };
    expect(migrateThrough([v1, v2], data, { 'case@1': dropNote })).toEqual({ name: 'x', kind: 'a' });
  });

  it('refuses to migrate to an older version', () => {
    expect(() => migrateSubmission('alloc-proposal', 2, samples('alloc-proposal', 2)[0][1], 1)).toThrow(
      RangeError,
    );
  });
});
