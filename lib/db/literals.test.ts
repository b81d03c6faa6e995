import { describe, expect, test } from 'bun:test';
import { sqlLiteral, tsvLines } from './literals.ts';

describe('LOAD DATA text', () => {
  test("escapes what LOAD DATA's defaults read as structure, and writes NULL as \\N", () => {
    expect(
      tsvLines([
        ['a\tb', 'line\nbreak', 'back\\slash', null, 12, 2n ** 63n - 1n],
        ['cr\r', 'nul\0', "quote's", 0, -1.5, ''],
      ]).toString(),
    ).toBe("a\\tb\tline\\nbreak\tback\\\\slash\t\\N\t12\t9223372036854775807\ncr\\r\tnul\\0\tquote's\t0\t-1.5\t\n");
  });

  test('no rows is no text', () => {
    expect(tsvLines([]).length).toBe(0);
  });
});

describe('SQL literals', () => {
  test('quote strings with backslash escapes, keep bigints exact, refuse a non-finite number', () => {
    expect([sqlLiteral("it's"), sqlLiteral(null), sqlLiteral(2n ** 63n - 1n)]).toEqual([
      "'it\\'s'",
      'NULL',
      '9223372036854775807',
    ]);
    expect(() => sqlLiteral(Number.NaN)).toThrow('not a finite number');
  });
});
