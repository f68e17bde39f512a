import { analyseEscalation, type EscalationPath, type PrincipalEscalation } from '../../policy/escalation/index.js';
import { holdersEvidence, holdersText, roleHolders, rolePathOfArn, type PermissionSetHolders } from '../../identity-center/role-holders.js';
import { accountFinding, defineCheck, type FindingDraft } from '../check.js';

/**
 * No user or role that is not already an administrator can make itself one.
 *
 * Per user and role (service-linked roles left out: only their AWS service can act as them).
 * FAIL when a known escalation method is open to it — on its own permissions (a new default
 * version of a policy attached to it; attaching or writing a policy on itself or its group;
 * joining an administrators' group; a new administrator user or role; removing its boundary or a
 * Deny), on someone else's (giving another user, group or role administrator rights), or by
 * acting as another principal that is an administrator or can escalate (sts:AssumeRole and
 * role chains, iam:UpdateAssumeRolePolicy, access keys or passwords of other users, a role passed
 * to new Lambda, Glue, CloudFormation, Data Pipeline, EC2, CodeBuild, SageMaker or ECS compute,
 * or code run in existing compute of such a role through Lambda, Glue, CloudFormation, SageMaker,
 * CodeBuild, SSM, EC2 Instance Connect, an instance's user data or launch template, or ECS Exec).
 * EC2 paths use the role's instance profiles where the snapshot has them (schema 2): a role in
 * none runs on no instance. Every step is asked of the policy engine, so
 * Deny statements, resource constraints, conditions and boundaries are honoured: a step confined
 * to resources that give nothing, or under a condition that can never hold, closes the path.
 * Each path carries a certainty: definite; conditional (a condition on the request decides it);
 * depends (on something the snapshot cannot show: an existing function, instance, stack, an
 * instance profile or non-default policy version a schema-1 snapshot lacks). All three FAIL — an unknown is not a pass — and the evidence
 * says which. Administrators are NOT_APPLICABLE here (admin-access reports them). A principal with
 * no path but a policy the snapshot lacks is ERROR. A role IAM Identity Center made
 * (AWSReservedSSO_*) is judged as any role; its finding also names the permission set it comes
 * from and who holds that set in the account (src/identity-center/role-holders.ts).
 */
export default defineCheck({
  meta: {
    controlId: 'privilege-escalation',
    riskId: 'IAM-020',
    title: 'No principal can escalate to administrator',
    group: 'least-privilege',
    severity: 'high',
    hipaa: ['164.308(a)(4)(ii)(B)', '164.312(a)(1)'],
    description: 'No user or role that is not an administrator can reach administrator rights through a known privilege-escalation method.',
    remediation:
      'Remove the permissions each listed path uses (or confine them: iam:PassRole to named roles with iam:PassedToService, IAM write actions to named resources with iam:PolicyARN / iam:PermissionsBoundary conditions), and cap delegated IAM work with a permissions boundary that denies boundary removal.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
    sources: ['authorizationDetails'],
    // Read only to name the permission set behind an AWSReservedSSO_* role and who holds it.
    optionalSources: ['identityCenter'],
  },
  run({ snapshot, model, organization }) {
    const analysis = analyseEscalation(model);
    const holdersOf = roleHolders(snapshot, organization);
    const findings: FindingDraft[] = [];
    // Evidence that is only the administrator status: one object per status, shared by its findings (never changed once made).
    const statusEvidence = new Map<string, Record<string, unknown>>();
    const adminStatusOnly = (status: string) => {
      let evidence = statusEvidence.get(status);
      if (!evidence) {
        evidence = { adminStatus: status };
        statusEvidence.set(status, evidence);
      }
      return evidence;
    };
    for (const result of analysis.values()) {
      if (result.serviceLinked) continue;
      const holders = result.type === 'role' ? holdersOf({ name: result.name, path: rolePathOfArn(result.arn) }) : null;
      findings.push(holders ? withHolders(judge(result, adminStatusOnly), holders) : judge(result, adminStatusOnly));
    }
    return findings.length > 0 ? findings : [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no users or customer roles')];
  },
});

function judge(result: PrincipalEscalation, adminStatusOnly: (status: string) => Record<string, unknown>): FindingDraft {
  const kind = result.type;
  const base = { resourceType: kind === 'user' ? 'AWS::IAM::User' : 'AWS::IAM::Role', resourceArn: result.arn, resourceName: result.name };
  if (result.status === 'administrator') {
    return { ...base, status: 'NOT_APPLICABLE', message: `${kind} ${result.name} is already an administrator (see admin-access, IAM-014)`, evidence: adminStatusOnly(result.admin.status) };
  }
  if (result.status === 'escalates') {
    const certainty = result.paths[0]?.certainty ?? 'definite';
    const methods = [...new Set(result.paths.map((p) => p.method))];
    const summary = result.paths.slice(0, 3).map(describePath).join('; ');
    const qualifier = certainty === 'definite' ? '' : certainty === 'conditional' ? ' (if a condition holds)' : ' (depending on resources the snapshot cannot show)';
    return {
      ...base,
      status: 'FAIL',
      message: `${kind} ${result.name} can reach administrator rights${qualifier}: ${summary}${result.paths.length > 3 ? `; and ${result.paths.length - 3} more` : ''}`,
      evidence: { certainty, methods, paths: result.paths.map(pathEvidence), adminStatus: result.admin.status, unreadablePolicies: result.unreadable },
    };
  }
  if (result.unreadable.length > 0) {
    return { ...base, status: 'ERROR', message: `${kind} ${result.name}: no escalation path found, but ${result.unreadable.join('; ')} could not be read`, evidence: { adminStatus: result.admin.status, unreadablePolicies: result.unreadable } };
  }
  return { ...base, status: 'PASS', message: `${kind} ${result.name} has no known path to administrator rights`, evidence: adminStatusOnly(result.admin.status) };
}

/** The finding on an AWSReservedSSO_* role with its permission set and holders named (a copy: PASS evidence objects are shared). */
function withHolders(finding: FindingDraft, holders: PermissionSetHolders): FindingDraft {
  return { ...finding, message: `${finding.message} ${holdersText(holders)}`, evidence: { ...finding.evidence, ...holdersEvidence(holders) } };
}

function describePath(path: EscalationPath): string {
  const chain = path.chain.length > 0 ? ` → ${path.chain.join(' → ')}` : '';
  return `${path.description} [${path.method}]${chain}`;
}

function pathEvidence(path: EscalationPath): Record<string, unknown> {
  return {
    method: path.method,
    kind: path.kind,
    description: path.description,
    target: path.target,
    targetArn: path.targetArn,
    certainty: path.certainty,
    chain: path.chain,
    notes: path.notes,
    steps: path.steps.map((s) => ({ action: s.action, resource: s.resource, verdict: s.verdict, allowedBy: s.allowedBy, ...(s.reasons.length > 0 ? { reasons: s.reasons } : {}) })),
  };
}
