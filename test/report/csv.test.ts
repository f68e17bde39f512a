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

  it.each([
    // csv-carriage-return-formula: a spreadsheet that splits the record at the CR would start a row with "=1+1".
    ['ivan\r=1+1', "ivan\r'=1+1"],
    ['note\n-2+3', "note\n'-2+3"],
    ['a\r\n+1', "a\r\n'+1"],
    ['a\r\r@SUM(A1)', "a\r\r'@SUM(A1)"],
    ['=1\n=2\r=3', "'=1\n'=2\r'=3"],
    ['a\n\tcmd', "a\n'\tcmd"],
    ['line one\nline two', 'line one\nline two'],
  ])('neutralises a formula after every line break: %j', (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
    expect(neutraliseCell(expected)).toBe(expected);
  });

  it.each(['ivan\r=1+1', 'a\nb', 'a\r\nb', 'x\r'])('quotes a value holding a CR or LF, so it stays in its cell: %j', (value) => {
    const text = toCsv(['name', 'next'], [[value, 'b']]);
    const record = text.slice(text.indexOf('\n') + 1);
    expect(record.startsWith('"')).toBe(true);
    expect(parse(text)).toEqual([['name', 'next'], [neutraliseCell(value), 'b']]);
  });

  it('quotes commas, quotes and newlines so the file parses back', () => {
    const text = toCsv(['a', 'b'], [['x, "y"', 'line\nbreak'], [null, 3]]);
    expect(parse(text)).toEqual([['a', 'b'], ['x, "y"', 'line\nbreak'], ['', '3']]);
  });
});
