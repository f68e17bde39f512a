/**
 * The wildcards of IAM policies: `*` stands for any run of characters (none included), `?` for
 * exactly one. Actions compare case-insensitively, resource ARNs case-sensitively.
 */

// A pattern's regex depends on the pattern's text alone, never on whose policy holds it, so one copy serves every run.
const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    let source = '';
    for (const char of pattern) {
      if (char === '*') source += '.*';
      else if (char === '?') source += '.';
      else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    cache.set(key, regex);
  }
  return regex;
}

export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  return globToRegExp(pattern, ignoreCase).test(value);
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** `*`, `**`, … : matches every string. */
export function isAllStar(pattern: string): boolean {
  return /^\*+$/.test(pattern);
}

/**
 * Whether a resource the caller names can match a policy's resource pattern: the question for a
 * new Lambda function, a new user, an instance it picks. `pattern` is the policy's glob (its `*`
 * runs over anything, `:` included, as IAM matches it). `template` describes the names the caller
 * can choose: each of its wildcards fills one ARN segment and never spans `:` (a function, role,
 * instance or notebook name cannot hold a colon, and the caller cannot move a name into another
 * resource type's segment); a template that is only `*` stands for any resource at all.
 * e.g. pattern arn:aws:sagemaker:*:*:app/* and template arn:aws:sagemaker:*:1:notebook-instance/*
 * share no name. Case-sensitive unless `ignoreCase`.
 */
/** How a literal * or ? of a policy (written ${*}, ${?}) is marked in a pattern: private-use characters no ARN holds. */
export const LITERAL_STAR = '\uE000';
export const LITERAL_QUESTION = '\uE001';

function choosable(char: string): boolean {
  return char !== ':' && char !== LITERAL_STAR && char !== LITERAL_QUESTION;
}

export function globsIntersect(pattern: string, template: string, ignoreCase = false): boolean {
  const x = ignoreCase ? pattern.toLowerCase() : pattern;
  const y = ignoreCase ? template.toLowerCase() : template;
  if (isAllStar(x) || isAllStar(y)) return true;
  const memo = new Map<number, boolean>();
  const width = y.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === x.length && j === y.length) result = true;
    // The pattern's `*` takes whatever the template puts there, wildcards included.
    else if (i < x.length && x[i] === '*') result = go(i + 1, j) || (j < y.length && go(i, j + 1));
    // The template's `*` may take the pattern's characters, but never a colon, nor a literal * or ?
    // written ${*} or ${?} (marked by LITERAL_STAR/LITERAL_QUESTION): names people choose for
    // users, roles, functions and instances cannot hold those characters.
    else if (j < y.length && y[j] === '*') result = go(i, j + 1) || (i < x.length && choosable(x[i]!) && go(i + 1, j));
    else if (i < x.length && j < y.length) result = (x[i] === y[j] || x[i] === '?' || (y[j] === '?' && choosable(x[i]!))) && go(i + 1, j + 1);
    else result = false;
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/**
 * Whether every string the template stands for matches the pattern (approximately: the
 * template's wildcards must fall where the pattern has wildcards too). Used to tell a Deny that
 * covers every name a caller could choose from one the caller can step around.
 */
export function globContains(pattern: string, template: string, ignoreCase = false): boolean {
  if (isAllStar(pattern)) return true;
  // Reading the template literally, its `*` can only be matched by a `*` of the pattern.
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? template.toLowerCase() : template;
  const memo = new Map<number, boolean>();
  const width = t.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) result = j === t.length;
    else if (p[i] === '*') result = go(i + 1, j) || (j < t.length && go(i, j + 1));
    else if (j === t.length) result = false;
    else if (t[j] === '*') result = false;
    else if (t[j] === '?') result = p[i] === '?' && go(i + 1, j + 1);
    else result = (p[i] === '?' || p[i] === t[j]) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}
