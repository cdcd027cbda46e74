import { describe, expect, test } from 'vitest';
import { requestBody, unstorableNumbers } from '../../../functions/http/body';
import { isJsonContentType } from '../../../functions/http/middleware';

describe('numbers DynamoDB cannot store', () => {
  test('are reported at their JSON pointer, with a Chinese message', () => {
    const value = JSON.parse('{"a":[1,{"b":1e309}],"c":-9007199254740993,"d":1e-131,"e":{"f":-1e400}}');
    const errors = unstorableNumbers(value);
    expect(errors.map((e) => e.path)).toEqual(['/a/1/b', '/c', '/d', '/e/f']);
    for (const e of errors) expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  test('the bounds themselves, zero and ordinary numbers pass', () => {
    expect(
      unstorableNumbers([
        0,
        -0,
        9007199254740991,
        -9007199254740991,
        1e-130,
        -1e-130,
        3.14,
        1e15,
        1e-300 * 0,
      ]),
    ).toEqual([]);
  });

  test('any nesting depth is walked without recursion', () => {
    const n = 200_000;
    const value = JSON.parse(`${'['.repeat(n)}1e999${']'.repeat(n)}`);
    const [error] = unstorableNumbers(value);
    expect(error.path.split('/').length).toBe(n + 1);
  });

  test('a route body check reports them before the schema', () => {
    const login = requestBody('auth-login');
    expect(login.check(JSON.parse('{"username":"a","password":"b","n":1e309}'))).toEqual([
      { path: '/n', message: expect.stringContaining('数值') },
    ]);
  });
});

describe('JSON content type', () => {
  test.each([
    ['application/json', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/json;charset=UTF-8', true],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    ['application/jsonp', false],
    ['application/vnd.api+json', false],
    [undefined, false],
    ['', false],
  ])('%s -> %s', (type, ok) => {
    expect(isJsonContentType(type)).toBe(ok);
  });
});
