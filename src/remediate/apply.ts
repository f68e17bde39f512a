import { AccessAnalyzerClient, CreateAnalyzerCommand } from '@aws-sdk/client-accessanalyzer';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { codeAndMessage, errorCode, sourceError } from '../collect/source-error.js';
import { ACTION_OF, type Change, type PlannedChange, type RemediationPlan } from './plan.js';

/** The clients remediation writes through: IAM, and Access Analyzer per region. */
export interface RemediationClients {
  iam: IAMClient;
  accessAnalyzerIn: (region: string) => AccessAnalyzerClient;
}

export type OutcomeResult = 'applied' | 'already in place' | 'failed' | 'skipped';

export interface ChangeOutcome {
  planned: PlannedChange;
  /** When the call was made (or skipped). */
  time: string;
  result: OutcomeResult;
  /** Why it failed or was skipped. */
  reason: string | null;
}

/** Sends one change. Throws the SDK's error on failure. */
async function send(change: Change, clients: RemediationClients): Promise<void> {
  switch (change.kind) {
    case 'update-password-policy':
      await clients.iam.send(new UpdateAccountPasswordPolicyCommand(change.parameters));
      return;
    case 'create-policy':
      await clients.iam.send(new CreatePolicyCommand({ PolicyName: change.name, PolicyDocument: JSON.stringify(change.document), Description: change.description }));
      return;
    case 'create-group':
      await clients.iam.send(new CreateGroupCommand({ GroupName: change.name }));
      return;
    case 'attach-group-policy':
      await clients.iam.send(new AttachGroupPolicyCommand({ GroupName: change.group, PolicyArn: change.policyArn }));
      return;
    case 'add-user-to-group':
      await clients.iam.send(new AddUserToGroupCommand({ GroupName: change.group, UserName: change.user }));
      return;
    case 'put-user-permissions-boundary':
      await clients.iam.send(new PutUserPermissionsBoundaryCommand({ UserName: change.user, PermissionsBoundary: change.policyArn }));
      return;
    case 'put-role-permissions-boundary':
      await clients.iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: change.role, PermissionsBoundary: change.policyArn }));
      return;
    case 'create-analyzer': {
      const client = clients.accessAnalyzerIn(change.region);
      try {
        await client.send(new CreateAnalyzerCommand({ analyzerName: change.name, type: 'ACCOUNT' }));
      } finally {
        client.destroy();
      }
      return;
    }
  }
}

/**
 * The AWS code and message; or, when the endpoint answered with something that is not an AWS
 * error at all (an HTML error page, as mock servers give for APIs they lack), the HTTP status and
 * the page's title instead of the SDK's parse error.
 */
export function failureReason(error: unknown): string {
  const e = error as { $responseBodyText?: unknown; $metadata?: { httpStatusCode?: number } };
  const body = typeof e?.$responseBodyText === 'string' ? e.$responseBodyText : '';
  if (/^\s*<(!doctype html|html)/i.test(body)) {
    const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
    const status = e.$metadata?.httpStatusCode;
    return `the endpoint answered${status ? ` HTTP ${status}` : ''} with a web page${title ? ` ("${title}")` : ''}, not an AWS response: the operation may not be supported there`;
  }
  return codeAndMessage(sourceError(error));
}

/**
 * Makes the plan's changes in order. A failure is recorded with its reason and the rest still
 * run, except changes that depend on a failed one, which are skipped and say so. Never throws.
 * A group that turns out to exist already is in place, not a failure: the goal is met.
 */
export async function applyPlan(plan: RemediationPlan, clients: RemediationClients, clock: () => Date = () => new Date(), progress: (message: string) => void = () => {}): Promise<ChangeOutcome[]> {
  const outcomes: ChangeOutcome[] = [];
  for (const planned of plan.changes) {
    const time = clock().toISOString();
    const failedDependency = planned.dependsOn.map((i) => outcomes[i]).find((o) => o && (o.result === 'failed' || o.result === 'skipped'));
    if (failedDependency) {
      outcomes.push({ planned, time, result: 'skipped', reason: `needs ${ACTION_OF[failedDependency.planned.change.kind]} on ${failedDependency.planned.target}, which did not succeed` });
      continue;
    }
    progress(`${ACTION_OF[planned.change.kind]} ${planned.target}`);
    try {
      await send(planned.change, clients);
      outcomes.push({ planned, time, result: 'applied', reason: null });
    } catch (error) {
      if (planned.change.kind === 'create-group' && errorCode(error) === 'EntityAlreadyExistsException') {
        outcomes.push({ planned, time, result: 'already in place', reason: 'the group was created since the account was read' });
      } else {
        outcomes.push({ planned, time, result: 'failed', reason: failureReason(error) });
      }
    }
  }
  return outcomes;
}
