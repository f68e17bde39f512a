import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SOURCE_OF_OPERATION } from '../src/collect/call-ledger.js';
import { decodePolicyDocument, statementsOf, asList } from '../src/policy/document.js';

describe('policies/hipaa-iam-auditor.json', () => {
  const document = decodePolicyDocument(readFileSync(new URL('../policies/hipaa-iam-auditor.json', import.meta.url), 'utf8'));
  const allowed = new Set(statementsOf(document).filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action)));

  it('allows every IAM operation collection makes', () => {
    const needed = Object.keys(SOURCE_OF_OPERATION)
      .filter((operation) => operation !== 'GetCallerIdentity') // sts:GetCallerIdentity needs no permission
      .map((operation) => `iam:${operation}`);
    expect(needed.filter((action) => !allowed.has(action))).toEqual([]);
  });

  it('is read-only: no action that changes IAM besides generating the credential report', () => {
    const writes = [...allowed].filter((a) => !/^iam:(Get|List)/.test(a) && a !== 'iam:GenerateCredentialReport');
    expect(writes).toEqual([]);
    expect([...allowed].some((a) => a.includes('*'))).toBe(false);
  });
});
