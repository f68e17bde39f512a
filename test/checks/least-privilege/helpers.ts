import type { AuthorizationDetails, ManagedPolicy, PolicyDocument, PolicyStatement, Snapshot } from '../../../src/snapshot/schema.js';
import { ACCOUNT, snapshotWith } from '../../support/snapshot.js';

export const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
export const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Allow', Action, Resource, ...extra });
export const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Deny', Action, Resource, ...extra });
export const trust = (principal: unknown, extra: Partial<PolicyStatement> = {}): PolicyDocument => doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra });

/** A customer-managed policy of the test account. */
export function customerPolicy(name: string, document: PolicyDocument | null, fields: Partial<ManagedPolicy> = {}): ManagedPolicy {
  return {
    name,
    id: `ANPA${name.toUpperCase()}`,
    arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`,
    path: '/',
    awsManaged: false,
    defaultVersionId: 'v1',
    attachmentCount: 1,
    permissionsBoundaryUsageCount: 0,
    isAttachable: true,
    document,
    ...fields,
  };
}

export const attach = (policy: ManagedPolicy) => ({ name: policy.name, arn: policy.arn });
export const inline = (name: string, document: PolicyDocument) => ({ name, document });

/** A snapshot holding these authorization details. */
export function account(details: Partial<AuthorizationDetails>): Snapshot {
  return snapshotWith((s) => {
    s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [], ...details } };
  });
}
