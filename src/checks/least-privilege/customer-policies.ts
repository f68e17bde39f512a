import type { ConditionContext } from '../../policy/conditions.js';
import { policyContext, type PolicyRegistry } from '../../policy/effective-permissions.js';
import { compilePolicy, type CompiledPolicy } from '../../policy/statement.js';
import { boundariesInUse, isServiceLinkedRole } from '../../snapshot/principals.js';
import type { AuthorizationDetails, PolicyDocument, Snapshot } from '../../snapshot/schema.js';
import { accountFinding, sourceData, type FindingDraft } from '../check.js';

/** A policy the customer wrote: a customer-managed policy, or an inline policy of a user, group or role. */
export interface CustomerPolicy {
  resourceType: 'AWS::IAM::ManagedPolicy' | 'AWS::IAM::UserPolicy' | 'AWS::IAM::GroupPolicy' | 'AWS::IAM::RolePolicy';
  /** The managed policy's ARN, or the ARN of the inline policy's owner. */
  resourceArn: string;
  /** The managed policy's name, or "user alice/inline-name". */
  resourceName: string;
  /** "customer-managed policy x" or "inline policy y of role z". */
  label: string;
  /** null when the snapshot does not hold a managed policy's document. */
  document: PolicyDocument | null;
  compiled: CompiledPolicy | null;
  /** For managed policies: how many principals and boundaries use it (as IAM counts them). */
  attachmentCount: number | null;
  permissionsBoundaryUsageCount: number | null;
}

/**
 * Every customer-managed policy (attached or not) and every inline policy, in a stable order,
 * compiled by `registry` (the run's account model: each document once per run) or, without one, anew.
 */
export function customerPolicies(details: AuthorizationDetails, registry: Pick<PolicyRegistry, 'compile'> | null = null): CustomerPolicy[] {
  const out: CustomerPolicy[] = [];
  const compiled = (document: PolicyDocument | null) => (document ? (registry ? registry.compile(document) : compilePolicy(document)) : null);
  for (const p of details.policies) {
    if (p.awsManaged) continue;
    out.push({ resourceType: 'AWS::IAM::ManagedPolicy', resourceArn: p.arn, resourceName: p.name, label: `customer-managed policy ${p.name}`, document: p.document, compiled: compiled(p.document), attachmentCount: p.attachmentCount, permissionsBoundaryUsageCount: p.permissionsBoundaryUsageCount });
  }
  const inline = (resourceType: CustomerPolicy['resourceType'], kind: string, owner: { name: string; arn: string; inlinePolicies: { name: string; document: PolicyDocument }[] }) => {
    for (const p of owner.inlinePolicies) {
      out.push({ resourceType, resourceArn: owner.arn, resourceName: `${kind} ${owner.name}/${p.name}`, label: `inline policy ${p.name} of ${kind} ${owner.name}`, document: p.document, compiled: compiled(p.document), attachmentCount: null, permissionsBoundaryUsageCount: null });
    }
  };
  for (const u of details.users) inline('AWS::IAM::UserPolicy', 'user', u);
  for (const g of details.groups) inline('AWS::IAM::GroupPolicy', 'group', g);
  for (const r of details.roles) if (!isServiceLinkedRole(r)) inline('AWS::IAM::RolePolicy', 'role', r);
  return out;
}

/**
 * Managed policies that are some user's or role's permissions boundary and attached to no
 * user, group or role, with how many principals they bound. Read from the principals rather
 * than IAM's usage counts, which exports and mock servers do not always fill in.
 */
export function policiesUsedOnlyAsBoundaries(details: AuthorizationDetails): Map<string, number> {
  const attached = new Set([...details.users, ...details.groups, ...details.roles].flatMap((p) => p.attachedPolicies.map((a) => a.arn)));
  return new Map([...boundariesInUse(details)].flatMap(([arn, principals]) => (attached.has(arn) ? [] : [[arn, principals.length] as const])));
}

/** The resource fields of a customer policy's finding. */
export type PolicyResource = Pick<FindingDraft, 'resourceType' | 'resourceArn' | 'resourceName'>;

/**
 * One finding per customer policy, for checks that judge policies rather than principals: the
 * account is NOT_APPLICABLE without any, a managed policy whose document the snapshot lacks is
 * ERROR, and `judge` decides every other one (conditions evaluated as of `now`). `registry`: the
 * run's account model, whose compiled policies (and what they have computed) the checks share.
 */
export function judgeCustomerPolicies(
  snapshot: Snapshot,
  now: Date,
  judge: (policy: CustomerPolicy & { compiled: CompiledPolicy }, resource: PolicyResource, context: ConditionContext) => FindingDraft,
  registry: Pick<PolicyRegistry, 'compile'> | null = null,
): FindingDraft[] {
  const details = sourceData(snapshot, 'authorizationDetails');
  const policies = customerPolicies(details, registry);
  if (policies.length === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no customer-managed or inline policies')];
  const context = policyContext(now);
  const boundaryOnly = policiesUsedOnlyAsBoundaries(details);
  return policies.map((policy) => {
    const resource = { resourceType: policy.resourceType, resourceArn: policy.resourceArn, resourceName: policy.resourceName };
    const bounded = boundaryOnly.get(policy.resourceArn);
    if (policy.resourceType === 'AWS::IAM::ManagedPolicy' && bounded !== undefined) {
      return { ...resource, status: 'NOT_APPLICABLE', message: `${policy.label} is used only as the permissions boundary of ${bounded} principal(s): it caps what they may do and grants nothing (boundary-strength judges it)`, evidence: { boundaryOf: bounded, attachmentCount: policy.attachmentCount } };
    }
    if (!policy.compiled) {
      return { ...resource, status: 'ERROR', message: `${policy.label}: its document is not in the snapshot`, evidence: { attachmentCount: policy.attachmentCount } };
    }
    return judge({ ...policy, compiled: policy.compiled }, resource, context);
  });
}
