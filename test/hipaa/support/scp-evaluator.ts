import { asList, statementsOf } from '../../../src/policy/document.js';
import type { PolicyDocument, PolicyStatement } from '../../../src/snapshot/schema.js';

/**
 * Just enough of AWS's SCP evaluation to test the generator's split (Resource and Condition are
 * ignored): at one level (root, OU or account) an action is allowed when an attached SCP allows it
 * and none denies it, and the account gets only what every level of its path allows.
 */
export const FULL_AWS_ACCESS: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

function matches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(action);
}

function applies(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((p) => matches(p, action));
  return asList(statement.Action).some((p) => matches(p, action));
}

export function allowedAtLevel(attached: readonly PolicyDocument[], action: string): boolean {
  const statements = attached.flatMap(statementsOf);
  return statements.some((s) => s.Effect === 'Allow' && applies(s, action)) && !statements.some((s) => s.Effect === 'Deny' && applies(s, action));
}

export function allowedOnPath(levels: readonly (readonly PolicyDocument[])[], action: string): boolean {
  return levels.every((attached) => allowedAtLevel(attached, action));
}
