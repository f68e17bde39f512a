import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { permissionsTable } from '../../src/cli/commands.js';
import { operationsOf, permissionsFor, SOURCE_ACTIONS } from '../../src/collect/source-actions.js';
import { SOURCE_OF_OPERATION } from '../../src/collect/call-ledger.js';
import { decodePolicyDocument, statementsOf, asList } from '../../src/policy/document.js';
import { SOURCE_NAMES } from '../../src/snapshot/schema.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe("the README's permissions per command", () => {
  it('is the table the checks and SOURCE_ACTIONS give (regenerate: npm run build && node scripts/write-permissions-table.js)', () => {
    const block = /<!-- permissions-by-command:start[^>]*-->\n([\s\S]*?)<!-- permissions-by-command:end -->/.exec(README)?.[1];
    expect(block).toBe(permissionsTable());
  });

  it('"every action of policies/hipaa-iam-auditor.json" is what reading every source needs, exactly', () => {
    const document = decodePolicyDocument(readFileSync(new URL('../../policies/hipaa-iam-auditor.json', import.meta.url), 'utf8'));
    const allowed = statementsOf(document).filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action));
    expect(new Set(permissionsFor(SOURCE_NAMES))).toEqual(new Set(allowed));
  });

  it('counts every action SOURCE_ACTIONS lists under its own source in run.json', () => {
    for (const name of SOURCE_NAMES) for (const action of SOURCE_ACTIONS[name]) for (const operation of operationsOf(action)) expect(SOURCE_OF_OPERATION[operation], action).toBe(name);
    expect(Object.keys(SOURCE_OF_OPERATION)).toHaveLength(SOURCE_NAMES.flatMap((name) => SOURCE_ACTIONS[name]).length);
  });
});
