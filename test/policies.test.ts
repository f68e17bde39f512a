import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SOURCE_OF_OPERATION } from '../src/collect/call-ledger.js';
import { OPERATIONS_OF_ACTION } from '../src/collect/source-actions.js';
import { isKnownAction } from '../src/policy/action-catalog.js';
import { decodePolicyDocument, statementsOf, asList } from '../src/policy/document.js';

/** The IAM action that authorizes an operation: `<service>:<operation>` unless AWS names another (OPERATIONS_OF_ACTION). */
const ACTION_OF_OPERATION = new Map(Object.entries(OPERATIONS_OF_ACTION).flatMap(([action, operations]) => operations.map((operation) => [operation, action] as const)));
const actionOf = (operation: string) => ACTION_OF_OPERATION.get(operation) ?? `${SERVICE_OF_OPERATION[operation]}:${operation}`;

/** The IAM service prefix of every operation collection makes; one not listed here fails the test. */
const SERVICE_OF_OPERATION: Record<string, string> = {
  GetCallerIdentity: 'sts',
  GenerateCredentialReport: 'iam',
  GetCredentialReport: 'iam',
  GetAccountAuthorizationDetails: 'iam',
  ListRoles: 'iam',
  GetAccountSummary: 'iam',
  ListVirtualMFADevices: 'iam',
  GetAccountPasswordPolicy: 'iam',
  ListSAMLProviders: 'iam',
  ListOpenIDConnectProviders: 'iam',
  DescribeTrails: 'cloudtrail',
  GetTrailStatus: 'cloudtrail',
  GetEventSelectors: 'cloudtrail',
  DescribeOrganization: 'organizations',
  ListPolicies: 'organizations',
  DescribePolicy: 'organizations',
  DescribeRegions: 'ec2',
  ListAnalyzers: 'access-analyzer',
  ListFindingsV2: 'access-analyzer',
  ListInstances: 'sso',
  ListPermissionSets: 'sso',
  DescribePermissionSet: 'sso',
  ListManagedPoliciesInPermissionSet: 'sso',
  ListCustomerManagedPolicyReferencesInPermissionSet: 'sso',
  GetInlinePolicyForPermissionSet: 'sso',
  GetPermissionsBoundaryForPermissionSet: 'sso',
  ListAccountsForProvisionedPermissionSet: 'sso',
  ListAccountAssignments: 'sso',
  ListUsers: 'identitystore',
  ListGroups: 'identitystore',
  ListGroupMemberships: 'identitystore',
  GetPolicy: 'iam',
  GetPolicyVersion: 'iam',
};

describe('policies/hipaa-iam-auditor.json', () => {
  const document = decodePolicyDocument(readFileSync(new URL('../policies/hipaa-iam-auditor.json', import.meta.url), 'utf8'));
  const allowed = new Set(statementsOf(document).filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action)));
  const operations = Object.keys(SOURCE_OF_OPERATION);

  it('knows the service of every operation collection makes', () => {
    expect(operations.filter((operation) => !SERVICE_OF_OPERATION[operation])).toEqual([]);
  });

  it('allows every operation collection makes, under its own service prefix', () => {
    const needed = operations
      .filter((operation) => operation !== 'GetCallerIdentity') // sts:GetCallerIdentity needs no permission
      .map(actionOf);
    expect(needed.filter((action) => !allowed.has(action))).toEqual([]);
  });

  it('allows nothing that collection does not call', () => {
    const used = new Set(operations.map(actionOf));
    expect([...allowed].filter((action) => !used.has(action))).toEqual([]);
  });

  it('names only actions IAM has (an operation is not always its own action): the IAM action catalogue knows each one', () => {
    expect([...allowed].filter((action) => !isKnownAction(action))).toEqual([]);
  });

  it('is read-only: no action that changes anything besides generating the credential report', () => {
    const services = new Set(Object.values(SERVICE_OF_OPERATION));
    const reads = (action: string) => {
      const [service = '', name = ''] = action.split(':');
      return services.has(service) && /^(Get|List|Describe)[A-Z]/.test(name);
    };
    const writes = [...allowed].filter((a) => !reads(a) && a !== 'iam:GenerateCredentialReport');
    expect(writes).toEqual([]);
    expect([...allowed].some((a) => a.includes('*'))).toBe(false);
  });
});
