import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * One line naming where a value went wrong. For a union (a policy's Statement may be one object
 * or a list) the branch that got furthest is the one the author meant, so its issue is reported.
 */
export function describeZodError(error: z.ZodError): string {
  const issue = deepest(error.issues);
  if (!issue) return 'invalid';
  const where = issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  return `${where}: ${issue.message}`;
}

function deepest(issues: readonly Issue[], prefix: PropertyKey[] = []): (Issue & { path: PropertyKey[] }) | undefined {
  let best: (Issue & { path: PropertyKey[] }) | undefined;
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    let candidate: (Issue & { path: PropertyKey[] }) | undefined = { ...issue, path };
    if (issue.code === 'invalid_union') {
      for (const branch of issue.errors) {
        const inner = deepest(branch, path);
        if (inner && (!candidate || inner.path.length > candidate.path.length || candidate.code === 'invalid_union')) candidate = inner;
      }
    }
    if (candidate && (!best || candidate.path.length > best.path.length)) best = candidate;
  }
  return best;
}
