import { readFileSync } from 'node:fs';
import type { ManagedPolicy, PolicyDocument } from '../../src/snapshot/schema.js';

export const MANAGED_POLICY_NAMES = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'ViewOnlyAccess',
  'IAMFullAccess',
  'IAMReadOnlyAccess',
  'SecurityAudit',
  'AWSLambda_FullAccess',
  'AmazonEC2FullAccess',
  'AmazonS3FullAccess',
  'AWSKeyManagementServicePowerUser',
  'AmazonSSMManagedInstanceCore',
] as const;
export type ManagedPolicyName = (typeof MANAGED_POLICY_NAMES)[number];

interface Fixture {
  PolicyName: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  UpdateDate: string;
  Document: PolicyDocument;
}

/** An AWS managed policy as moto ships it (test/fixtures/aws-managed-policies), in the snapshot's shape. */
export function awsManagedPolicy(name: ManagedPolicyName): ManagedPolicy {
  const f = JSON.parse(readFileSync(new URL(`../fixtures/aws-managed-policies/${name}.json`, import.meta.url), 'utf8')) as Fixture;
  return {
    name: f.PolicyName,
    id: `ANPA${f.PolicyName.toUpperCase().slice(0, 16)}`,
    arn: f.Arn,
    path: f.Path,
    awsManaged: true,
    defaultVersionId: f.DefaultVersionId,
    attachmentCount: 1,
    permissionsBoundaryUsageCount: 0,
    isAttachable: true,
    document: f.Document,
  };
}

export function attachment(policy: ManagedPolicy): { name: string; arn: string } {
  return { name: policy.name, arn: policy.arn };
}
