import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getForm, listForms } from '../../../forms/index';
import {
  definitionHash,
  FORMS_DIR,
  generateAll,
  publishedLock,
  typeName,
} from '../../../forms/scripts/generate';

describe('generated files', () => {
  it('are up to date with forms/definitions (run `npx tsx forms/scripts/generate.ts` if not)', async () => {
    const fresh = await generateAll();
    expect(Object.keys(fresh).sort()).toEqual([
      'definitions.lock.json',
      'generated/definitions.gen.ts',
      'generated/types.gen.ts',
      'generated/validators.gen.d.ts',
      'generated/validators.gen.js',
    ]);
    for (const [file, content] of Object.entries(fresh)) {
      expect(readFileSync(join(FORMS_DIR, file), 'utf8'), `forms/${file} is stale`).toBe(content);
    }
  });

  it('declare a data type and a standalone validator for every form version', () => {
    const types = readFileSync(join(FORMS_DIR, 'generated/types.gen.ts'), 'utf8');
    const code = readFileSync(join(FORMS_DIR, 'generated/validators.gen.js'), 'utf8');
    for (const d of listForms()) {
      expect(types).toContain(`export interface ${typeName(d.id, d.version)} {`);
      expect(code).toContain(`"${d.id}@${d.version}": `);
    }
  });

  it('leave the validators free of require() and of imports, so any bundler and the browser can load them', () => {
    const code = readFileSync(join(FORMS_DIR, 'generated/validators.gen.js'), 'utf8');
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toMatch(/^import /m);
  });
});

describe('published versions', () => {
  const lockFile = join(FORMS_DIR, 'definitions.lock.json');

  it('are all in the lock with their content hash', () => {
    const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
    for (const d of listForms()) expect(lock[`${d.id}@${d.version}`]).toBe(definitionHash(d));
  });

  it('may not change or disappear once published', () => {
    const changed = structuredClone(getForm('alloc-plan', 1)) as any;
    changed.schema.properties.note.maxLength = 10;
    const others = listForms().filter((d) => !(d.id === 'alloc-plan' && d.version === 1));
    expect(() => publishedLock([...others, changed], lockFile)).toThrow(
      'alloc-plan@1 was published and has changed',
    );
    expect(() => publishedLock(others, lockFile)).toThrow('alloc-plan@1 was published and its file is gone');
    const added = { ...structuredClone(getForm('alloc-plan', 1)), version: 2 };
    expect(JSON.parse(publishedLock([...listForms(), added], lockFile))).toHaveProperty(['alloc-plan@2']);
  });
});
