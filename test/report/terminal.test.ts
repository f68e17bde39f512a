import { describe, expect, it } from 'vitest';
import { colourFor } from '../../src/report/terminal.js';

describe('colourFor', () => {
  it.each<[string, boolean | undefined, Record<string, string>, boolean]>([
    ['a terminal', true, {}, true],
    ['a pipe or file (cron)', undefined, {}, false],
    ['a terminal with NO_COLOR', true, { NO_COLOR: '1' }, false],
    ['a terminal with an empty NO_COLOR (unset per no-color.org)', true, { NO_COLOR: '' }, true],
  ])('on %s', (_label, isTTY, env, coloured) => {
    const text = colourFor({ isTTY }, env).red('FAIL');
    expect(text !== 'FAIL').toBe(coloured);
  });
});
