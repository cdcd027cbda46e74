import { getDefaultFormState, getUiOptions, optionsList } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { describe, expect, it } from 'vitest';
import { localizeForm } from '../../../forms/i18n';
import { listForms } from '../../../forms/index';
import { getAt } from '../../../forms/pointer';
import { samples } from './fixtures';

describe.each(listForms().map((d) => [`${d.id}@${d.version}`, d] as const))(
  'react-jsonschema-form with %s',
  (_k, def) => {
    it('accepts the stored samples with its own validator', () => {
      for (const [, data] of samples(def.id, def.version)) {
        expect(validator.validateFormData(data, def.schema as any).errors).toEqual([]);
      }
    });

    it('builds the default form state and reads the ui options', () => {
      const state = getDefaultFormState(validator, def.schema as any, undefined, def.schema as any) as any;
      expect(state).toBeTypeOf('object');
      expect(getUiOptions((def.uiSchema as any).lines)).toMatchObject({ layout: 'table' });
    });
  },
);

describe('react-jsonschema-form choice labels', () => {
  it('shows category choices in Chinese or English from ui:enumNames', () => {
    const def = listForms().find((d) => d.id === 'alloc-plan')!;
    const category = getAt(def.schema, '/properties/lines/items/properties/category') as any;
    for (const [lang, labels] of [
      ['zh', ['工程建设类', '资金补助类']],
      ['en', ['Construction', 'Subsidy']],
    ] as const) {
      const ui = getAt(localizeForm(def, lang).uiSchema, '/lines/items/category') as any;
      expect(optionsList(category, ui)?.map((o) => o.label)).toEqual(labels);
    }
  });
});
