import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionProblems } from '../../../forms/definition';
import { hardeningProblems } from '../../../forms/harden';
import {
  FormNotFoundError,
  formVersions,
  getForm,
  hasForm,
  latestForm,
  listForms,
} from '../../../forms/index';
import { getAt } from '../../../forms/pointer';
import { RULES } from '../../../forms/rules';
import { FORMS_DIR } from '../../../forms/scripts/generate';
import type { FormDefinition, JsonSchema } from '../../../forms/types';
import { readJson } from './fixtures';

const ALLOCATION_FORMS = ['alloc-proposal', 'alloc-review', 'alloc-control', 'alloc-plan', 'alloc-approval'];

/** Every schema node with its pointer (properties, items, definitions). */
function nodes(schema: JsonSchema, at = ''): [string, JsonSchema][] {
  const out: [string, JsonSchema][] = [[at, schema]];
  for (const k of ['properties', 'definitions']) {
    const map = schema[k] as Record<string, JsonSchema> | undefined;
    if (map) for (const [name, sub] of Object.entries(map)) out.push(...nodes(sub, `${at}/${k}/${name}`));
  }
  if (schema.items && typeof schema.items === 'object')
    out.push(...nodes(schema.items as JsonSchema, `${at}/items`));
  return out;
}

describe('form registry', () => {
  it('has the five allocation forms, each with a Chinese and an English title', () => {
    for (const id of ALLOCATION_FORMS) {
      const def = latestForm(id);
      expect(def.id).toBe(id);
      expect(def.title.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(def.title.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('serves every file under forms/definitions, by id and version', () => {
    const dir = join(FORMS_DIR, 'definitions');
    const files = readdirSync(dir).flatMap((id) =>
      readdirSync(join(dir, id)).map((f) => `${id}@${f.slice(1, -5)}`),
    );
    expect(
      listForms()
        .map((d) => `${d.id}@${d.version}`)
        .sort(),
    ).toEqual(files.sort());
    for (const key of files) {
      const [id, v] = key.split('@');
      expect(hasForm(id, Number(v))).toBe(true);
      expect(getForm(id, Number(v)).version).toBe(Number(v));
    }
  });

  it('keeps every version of a form and reports the highest as latest', () => {
    expect(formVersions('alloc-proposal').map((d) => d.version)).toEqual([1, 2]);
    expect(latestForm('alloc-proposal').version).toBe(2);
    expect(getForm('alloc-proposal', 1).schema).not.toHaveProperty('properties.contact');
  });

  it('throws FormNotFound for an unknown form or version', () => {
    expect(hasForm('alloc-plan', 99)).toBe(false);
    expect(() => getForm('alloc-plan', 99)).toThrow(FormNotFoundError);
    expect(() => latestForm('no-such-form')).toThrow(expect.objectContaining({ code: 'FormNotFound' }));
  });

  it('hands out frozen definitions so no caller can change a published version', () => {
    const def = getForm('alloc-plan', 1);
    expect(Object.isFrozen(def.schema)).toBe(true);
    expect(() => {
      (def.schema as any).title = 'changed';
    }).toThrow(TypeError);
  });
});

describe.each(listForms().map((d) => [`${d.id}@${d.version}`, d] as [string, FormDefinition]))(
  'definition %s',
  (_key, def) => {
    it('conforms to form-definition.schema.json, is hardened and names only known rules', () => {
      expect(definitionProblems(def)).toEqual([]);
      expect(hardeningProblems(def.schema)).toEqual([]);
      for (const name of def.rules) expect(RULES.has(name)).toBe(true);
    });

    it('bounds the lines so hundreds fit and no more than 500', () => {
      const lines = getAt(def.schema, '/properties/lines') as JsonSchema;
      expect(lines.maxItems).toBe(500);
    });

    it('has an English label for every titled field, every description, help text and choice', () => {
      const en = def.i18n?.en ?? {};
      const title = (p: string) => (typeof en[p] === 'string' ? en[p] : (en[p] as any)?.title);
      for (const [ptr, node] of nodes(def.schema)) {
        if (typeof node.title === 'string') expect(title(ptr), `title of ${ptr}`).toBeTruthy();
        if (typeof node.description === 'string')
          expect((en[ptr] as any)?.description, `description of ${ptr}`).toBeTruthy();
        if (Array.isArray(node.enum)) {
          node.enum.forEach((_v, i) => {
            expect(title(`${ptr}/enum/${i}`), `${ptr}/enum/${i}`).toBeTruthy();
          });
        }
      }
      for (const ptr of Object.keys(en)) {
        const target = ptr.replace(/\/enum\/\d+$/, '');
        expect(getAt(def.schema, target), `i18n pointer ${ptr} points into the schema`).toBeTypeOf('object');
      }
    });

    it('has a uiSchema whose ui:order names only fields of the schema', () => {
      const check = (ui: any, schema: JsonSchema) => {
        if (!ui || typeof ui !== 'object') return;
        const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
        if (Array.isArray(ui['ui:order'])) {
          expect([...ui['ui:order']].sort()).toEqual(Object.keys(props).sort());
        }
        for (const [k, v] of Object.entries(ui)) {
          if (k.startsWith('ui:')) continue;
          if (k === 'items') check(v, schema.items as JsonSchema);
          else {
            expect(props, `uiSchema field ${k}`).toHaveProperty([k]);
            check(v, props[k]);
          }
        }
      };
      check(def.uiSchema, def.schema);
    });
  },
);

describe('hardening check', () => {
  it('names every missing limit of an unhardened schema', () => {
    const fx = readJson('unhardened-schema.json');
    expect(hardeningProblems(fx.schema).sort()).toEqual([...fx.expected].sort());
  });

  it('refuses to publish an unhardened definition or one with an unknown rule', () => {
    const fx = readJson('unhardened-schema.json');
    const def = { ...structuredClone(getForm('alloc-review', 1)), schema: fx.schema };
    expect(definitionProblems(def).length).toBeGreaterThan(0);
    const badRule = { ...structuredClone(getForm('alloc-review', 1)), rules: ['noSuchRule'] };
    expect(definitionProblems(badRule)).toEqual(['rules: unknown rule "noSuchRule"']);
  });
});
