import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  countErrors,
  erroredIndexes,
  errorsToTree,
  idToPointer,
  parsePointer,
  toPointer,
} from '../../../web/src/lib/pointer';

const body = JSON.parse(
  readFileSync(new URL('../../fixtures/web/server-errors.json', import.meta.url), 'utf8'),
);

describe('JSON pointer error mapping', () => {
  it('parses RFC 6901 pointers, unescaping ~1 and ~0', () => {
    expect(parsePointer('/lines/3/funds/city')).toEqual(['lines', '3', 'funds', 'city']);
    expect(parsePointer('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('#/lines/0')).toEqual(['lines', '0']);
  });

  it('accepts the legacy dotted data path', () => {
    expect(parsePointer('.lines[3].funds')).toEqual(['lines', '3', 'funds']);
  });

  it('round-trips segments through toPointer', () => {
    expect(toPointer(['a/b', 'c~d', 2])).toBe('/a~1b/c~0d/2');
    expect(parsePointer(toPointer(['a/b', 'c~d', 2]))).toEqual(['a/b', 'c~d', '2']);
  });

  it('puts each server error on its field, once, and form-level errors on the root', () => {
    const tree = errorsToTree(body.errors) as any;
    expect(tree.lines['3'].funds.city.__errors).toEqual([
      '第4行 城乡居民基本医疗保险：市级资金 120.00 万元超过一下控制数 100.00 万元',
    ]);
    expect(tree.lines['3'].deadline.__errors).toEqual(['应当匹配格式 "date"']);
    expect(tree.lines['12'].responsibleUnit.__errors).toHaveLength(1);
    expect(tree.contact.phone.__errors).toHaveLength(1);
    expect(tree.__errors).toEqual(['至少需要一行']);
    expect(tree['a/b']['c~d'].__errors).toEqual(['转义的键']);
    expect(countErrors(tree)).toBe(6);
  });

  it('never walks into prototype keys named by a pointer', () => {
    const tree = errorsToTree([{ path: '/__proto__/polluted', message: 'x' }]) as any;
    expect(({} as any).polluted).toBeUndefined();
    expect(tree.__errors).toEqual(['x']);
  });

  it('lists the line indexes with errors so the table can open their page', () => {
    expect(erroredIndexes(body.errors, '/lines')).toEqual([3, 12]);
    expect(erroredIndexes(body.errors, '/contact')).toEqual([]);
  });

  it('turns rjsf field ids back into pointers using the data to split names', () => {
    const data = { lines: [{ funds: { city: 1 }, fund_x: 2 }], contact: { phone: '1' } };
    expect(idToPointer('root_lines_0_funds_city', data)).toBe('/lines/0/funds/city');
    expect(idToPointer('root_lines_0_fund_x', data)).toBe('/lines/0/fund_x');
    expect(idToPointer('root_contact_phone', data)).toBe('/contact/phone');
    expect(idToPointer('root', data)).toBe('');
  });
});
