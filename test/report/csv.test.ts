import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, toCsv } from '../../src/report/csv.js';

describe('CSV evidence', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['alice', 'alice'],
    ['a=b', 'a=b'],
  ])('neutralises %j', (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
  });

  it('quotes commas, quotes and newlines so the file parses back', () => {
    const text = toCsv(['a', 'b'], [['x, "y"', 'line\nbreak'], [null, 3]]);
    expect(parse(text)).toEqual([['a', 'b'], ['x, "y"', 'line\nbreak'], ['', '3']]);
  });
});
