import { describe, expect, it } from 'vitest';
import { localizeForm, uiPathOf } from '../../../forms/i18n';
import { getForm } from '../../../forms/index';
import { getAt } from '../../../forms/pointer';

describe('localizeForm', () => {
  const def = getForm('alloc-plan', 1);

  it('returns the Chinese form as defined', () => {
    const zh = localizeForm(def, 'zh');
    expect(zh.title).toBe('二上：实施方案');
    expect(zh.schema).toEqual(def.schema);
    expect(zh.uiSchema).toEqual(def.uiSchema);
  });

  it('switches titles, descriptions, help and choice labels to English without touching the definition', () => {
    const en = localizeForm(def, 'en');
    expect(en.title).toBe('Round 2 up: implementation plan');
    expect(getAt(en.schema, '/properties/lines/items/properties/funds/properties/central')).toMatchObject({
      title: 'Central',
    });
    expect(getAt(en.schema, '/properties/lines/items/properties/funds')).toMatchObject({
      title: 'Funds (10k CNY)',
      description: 'Not above the round 1 control figures',
    });
    expect(getAt(en.uiSchema, '/lines/items/category/ui:enumNames')).toEqual(['Construction', 'Subsidy']);
    expect(getAt(en.uiSchema, '/lines/items/deadline/ui:help')).toBe(
      'Construction due this year: no later than November 30',
    );
    expect(JSON.stringify(en)).not.toMatch(/[\u4e00-\u9fff]/);
    expect(getAt(def.schema, '/properties/lines/items/properties/funds/properties/central')).toMatchObject({
      title: '中央',
    });
  });

  it('maps schema pointers to uiSchema paths', () => {
    expect(uiPathOf('/properties/lines/items/properties/deadline')).toEqual(['lines', 'items', 'deadline']);
    expect(uiPathOf('/definitions/funds')).toBeUndefined();
  });
});
