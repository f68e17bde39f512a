import { paginateListAnalyzers, paginateListFindingsV2 } from '@aws-sdk/client-accessanalyzer';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListDelegatedAdministrators,
  paginateListOrganizationalUnitsForParent,
  paginateListPolicies,
  paginateListRoots,
  paginateListTargetsForPolicy,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ACTIVE_FINDINGS_FILTER } from '../collect/access-analyzer.js';
import { accessAnalyzerFromRegions, activeAnalyzers, analyzersFromAnswer, enabledRegionsFromAnswer, findingsFromAnswer, regionListError } from '../collect/access-analyzer-answers.js';
import type { AwsClients } from '../collect/aws-clients.js';
import { CallLedger } from '../collect/call-ledger.js';
import { collectCloudTrail } from '../collect/cloudtrail.js';
import { collectIdentityCenter } from '../collect/identity-center.js';
import { isNotInOrganization, organizationFromAnswer, policySummariesFromAnswer, scpFromAnswer } from '../collect/organizations-answers.js';
import { ORGANIZATION_PART_OF_OPERATION } from '../collect/source-actions.js';
import { codeAndMessage, codedError, errorCode, required, resultOf, sourceError, type Result } from '../collect/source-error.js';
import { CollectionError, InputError } from '../errors.js';
import { TOOL } from '../snapshot/build.js';
import type { AccessAnalyzerData, AccessAnalyzerRegion, IdentityCenterData } from '../snapshot/schema.js';
import { ORGANIZATION_FACTS_SCHEMA_VERSION, type OrganizationAccount, type OrganizationalUnit, type OrganizationFacts, type PolicyTarget, type TargetedScp } from './facts.js';
import { regionalClients } from '../collect/live.js';

/** Access Analyzer's service principal, as organizations:ListDelegatedAdministrators names it. */
export const ACCESS_ANALYZER_PRINCIPAL = 'access-analyzer.amazonaws.com';

/** IAM Identity Center's service principal, as organizations:ListDelegatedAdministrators names it. */
export const IDENTITY_CENTER_PRINCIPAL = 'sso.amazonaws.com';

/**
 * The analyzer types an organization run keeps as organization-level facts: ORGANIZATION, whose
 * zone of trust is the organization, so it reports external access to every member's
 * resources. ORGANIZATION_UNUSED_ACCESS reports unused access, not external access, and ACCOUNT
 * analyzers are their account's own (read in that account's snapshot).
 */
export const ORGANIZATION_ANALYZER_TYPE = 'ORGANIZATION';

/** Clients in another account of the organization (the auditor role there), and their release. */
export interface AccountClients {
  clients: AwsClients;
  /** Destroys the clients and their AssumeRole client. */
  release(): void;
}

export interface OrganizationFactsOptions {
  /** Clients on the caller's credentials: the management account or a delegated administrator. */
  caller: AwsClients;
  /** Clients in an account through its auditor role: Access Analyzer's delegated administrator, when it is another account. Throws what AssumeRole threw. */
  clientsIn: (accountId: string) => Promise<AccountClients>;
  /** Regions to look for ORGANIZATION analyzers in; default: every region enabled for the account that holds them. */
  regions?: readonly string[];
  /** The region of the organization's IAM Identity Center instance (--identity-center-region); default: the caller's region. */
  identityCenterRegion?: string;
  now?: () => Date;
  progress?: (message: string) => void;
}

/** The facts, and every OU and root id the walk met (so --ou can name an OU that holds no account yet). */
export interface CollectedFacts {
  facts: OrganizationFacts;
  ouIds: ReadonlySet<string>;
}

/**
 * Reads the organization's facts once, from the caller's account (organizations:DescribeOrganization,
 * ListAccounts, ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent, ListPolicies,
 * DescribePolicy, ListTargetsForPolicy, ListDelegatedAdministrators; iam:ListOrganizationsFeatures;
 * cloudtrail:DescribeTrails, GetTrailStatus, GetEventSelectors; access-analyzer:ListAnalyzers,
 * ListFindingsV2; IAM Identity Center once, with collectIdentityCenter, in the account that holds
 * the organization's instance: identityCenterOf). Each part is its data or the error that stopped it, never an empty list for an
 * unread one. Calls grow with OUs, SCPs and pages, never with users or with accounts × depth.
 *
 * Throws InputError (exit 2) when the caller's account is in no organization, or is a member
 * that may not list the organization's accounts: --organization runs from the management account
 * or a delegated administrator. Throws CollectionError (exit 3) when the organization or its
 * accounts cannot be read otherwise: without the accounts no run can say what it covers.
 */
export async function collectOrganizationFacts(options: OrganizationFactsOptions): Promise<CollectedFacts> {
  const { caller } = options;
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? (() => {});
  const ledger = new CallLedger(ORGANIZATION_PART_OF_OPERATION);
  for (const client of [caller.iam, caller.sts, caller.organizations, caller.ec2]) ledger.attach(client);
  const cloudTrailIn = regionalClients(caller.cloudTrailIn, ledger);
  const startedAt = now();

  const identity = await caller.sts.send(new GetCallerIdentityCommand({})).catch((error: unknown) => {
    throw new CollectionError(`cannot tell who is reading the organization: sts:GetCallerIdentity: ${codeAndMessage(sourceError(error))}`);
  });
  const readFrom = { accountId: required(identity.Account, 'GetCallerIdentity', 'Account'), arn: required(identity.Arn, 'GetCallerIdentity', 'Arn') };

  progress('reading the organization…');
  let organization: OrganizationFacts['organization'];
  try {
    organization = organizationFromAnswer(await caller.organizations.send(new DescribeOrganizationCommand({})));
  } catch (error) {
    if (isNotInOrganization(error)) throw new InputError(`account ${readFrom.accountId} is in no AWS organization: --organization must run from an organization's management account or a delegated administrator`);
    throw new CollectionError(`cannot read the organization from account ${readFrom.accountId}: organizations:DescribeOrganization: ${codeAndMessage(sourceError(error))}`);
  }

  progress('listing the organization’s accounts…');
  const ouIds = new Set<string>();
  const accounts = await resultOf(() => organizationAccounts(caller.organizations, organization.masterAccountId, ouIds));
  if (accounts.status === 'error') {
    cloudTrailIn.destroyAll();
    const management = readFrom.accountId === organization.masterAccountId;
    if (accounts.error.code.startsWith('AccessDenied') && !management) {
      throw new InputError(
        `account ${readFrom.accountId} is a member of organization ${organization.id} that may not list its accounts (${codeAndMessage(accounts.error)}): --organization must run from the management account ${organization.masterAccountId} or a delegated administrator`,
      );
    }
    throw new CollectionError(`cannot list the accounts of organization ${organization.id} from account ${readFrom.accountId}, so no account was read: ${codeAndMessage(accounts.error)}`);
  }

  progress('reading SCPs, root access features, organization trails, analyzers and IAM Identity Center…');
  const [scps, organizationsFeatures, organizationTrails, organizationAnalyzers, identityCenter] = await Promise.all([
    resultOf(() => targetedScps(caller.organizations)),
    resultOf(() => organizationsFeaturesOf(caller)),
    resultOf(async () => (await collectCloudTrail(caller.region, cloudTrailIn.get, (trail) => trail.IsOrganizationTrail === true)).trails),
    resultOf(() => organizationAnalyzersOf(options, readFrom.accountId, ledger)),
    resultOf(() => identityCenterOf(options, readFrom.accountId, organization.masterAccountId, ledger)),
  ]).finally(() => cloudTrailIn.destroyAll());

  const facts: OrganizationFacts = {
    schemaVersion: ORGANIZATION_FACTS_SCHEMA_VERSION,
    tool: TOOL,
    collectedAt: now().toISOString(),
    readFrom,
    organization,
    accounts,
    identityCenter,
    scps,
    organizationsFeatures,
    organizationTrails,
    organizationAnalyzers,
    collection: { startedAt: startedAt.toISOString(), finishedAt: now().toISOString(), calls: ledger.snapshot() },
  };
  return { facts, ouIds };
}

/**
 * Every account (ListAccounts, paged, whatever its status), each placed in the tree by a walk
 * down from the roots (ListRoots, then ListOrganizationalUnitsForParent and ListAccountsForParent
 * per OU): calls grow with OUs, where walking up from each account (ListParents per level) would
 * grow with accounts × depth. An account the walk did not meet (moved while it ran) fails the
 * part: its path would be a guess.
 */
async function organizationAccounts(organizations: OrganizationsClient, masterAccountId: string, ouIds: Set<string>): Promise<OrganizationAccount[]> {
  const listed: OrganizationAccount[] = [];
  for await (const page of paginateListAccounts({ client: organizations }, {})) {
    for (const account of required(page.Accounts, 'ListAccounts', 'Accounts')) {
      const id = required(account.Id, 'ListAccounts', 'Accounts[].Id');
      listed.push({ id, name: account.Name ?? '', status: account.Status ?? account.State ?? 'UNKNOWN', ouPath: [], management: id === masterAccountId });
    }
  }
  const pathOf = new Map<string, OrganizationalUnit[]>();
  const parents: { id: string; path: OrganizationalUnit[] }[] = [];
  for await (const page of paginateListRoots({ client: organizations }, {})) {
    for (const root of required(page.Roots, 'ListRoots', 'Roots')) {
      const id = required(root.Id, 'ListRoots', 'Roots[].Id');
      parents.push({ id, path: [{ id, name: root.Name ?? 'Root' }] });
    }
  }
  // One parent at a time: Organizations allows few requests per second per account.
  for (let parent = parents.shift(); parent; parent = parents.shift()) {
    ouIds.add(parent.id);
    for await (const page of paginateListAccountsForParent({ client: organizations }, { ParentId: parent.id })) {
      for (const account of required(page.Accounts, 'ListAccountsForParent', 'Accounts')) if (account.Id) pathOf.set(account.Id, parent.path);
    }
    for await (const page of paginateListOrganizationalUnitsForParent({ client: organizations }, { ParentId: parent.id })) {
      for (const ou of required(page.OrganizationalUnits, 'ListOrganizationalUnitsForParent', 'OrganizationalUnits')) {
        const id = required(ou.Id, 'ListOrganizationalUnitsForParent', 'OrganizationalUnits[].Id');
        parents.push({ id, path: [...parent.path, { id, name: ou.Name ?? id }] });
      }
    }
  }
  const unplaced = listed.filter((account) => !pathOf.has(account.id)).map((account) => account.id);
  if (unplaced.length > 0) {
    throw codedError('AccountsMoved', `ListAccounts lists ${unplaced.join(', ')}, which the walk down from the roots did not meet (moved or added while it ran?): run again`);
  }
  return listed.map((account) => ({ ...account, ouPath: pathOf.get(account.id)! }));
}

/** Every SCP (ListPolicies SERVICE_CONTROL_POLICY, DescribePolicy) with where it is attached (ListTargetsForPolicy, paged); one at a time, as Organizations wants. */
async function targetedScps(organizations: OrganizationsClient): Promise<TargetedScp[]> {
  const scps: TargetedScp[] = [];
  for await (const page of paginateListPolicies({ client: organizations }, { Filter: 'SERVICE_CONTROL_POLICY' })) {
    for (const summary of policySummariesFromAnswer(page)) {
      const scp = scpFromAnswer(summary, await organizations.send(new DescribePolicyCommand({ PolicyId: summary.Id ?? undefined })));
      const targets: PolicyTarget[] = [];
      for await (const targetPage of paginateListTargetsForPolicy({ client: organizations }, { PolicyId: scp.id })) {
        for (const target of required(targetPage.Targets, 'ListTargetsForPolicy', 'Targets')) {
          const type = target.Type;
          if (type !== 'ROOT' && type !== 'ORGANIZATIONAL_UNIT' && type !== 'ACCOUNT') throw codedError('MalformedAnswer', `ListTargetsForPolicy answered target ${target.TargetId} of type ${String(type)}, which is none of ROOT, ORGANIZATIONAL_UNIT, ACCOUNT`);
          targets.push({ targetId: target.TargetId ?? '', type, name: target.Name ?? '' });
        }
      }
      scps.push({ ...scp, targets });
    }
  }
  return scps;
}

/**
 * iam:ListOrganizationsFeatures' EnabledFeatures (RootCredentialsManagement, RootSessions). AWS
 * answers ServiceAccessNotEnabledException when IAM's trusted access is not enabled in
 * Organizations, and OrganizationNotInAllFeaturesModeException for an organization without all
 * features: either way no centralized root access feature can be enabled, which is a fact (none),
 * not an unknown. Any other failure (AccessDenied, an endpoint that does not serve the API) is the part's error.
 */
async function organizationsFeaturesOf(caller: AwsClients): Promise<{ enabledFeatures: string[] }> {
  try {
    const answer = await caller.iam.send(new ListOrganizationsFeaturesCommand({}));
    return { enabledFeatures: [...required(answer.EnabledFeatures, 'ListOrganizationsFeatures', 'EnabledFeatures')] };
  } catch (error) {
    if (['ServiceAccessNotEnabledException', 'OrganizationNotInAllFeaturesModeException'].includes(errorCode(error))) return { enabledFeatures: [] };
    throw error;
  }
}

/**
 * ORGANIZATION analyzers, read in the account that holds them: Access Analyzer's delegated
 * administrator (organizations:ListDelegatedAdministrators) through the auditor role there when
 * it is another account, else the caller's own account. Per region, ListAnalyzers of type
 * ORGANIZATION and the ACTIVE findings of each ACTIVE one; a region's failure is kept in it, all
 * regions failing fails the part (accessAnalyzerFromRegions).
 */
async function organizationAnalyzersOf(options: OrganizationFactsOptions, readerAccountId: string, ledger: CallLedger): Promise<AccessAnalyzerData & { accountId: string }> {
  const delegated: string[] = [];
  for await (const page of paginateListDelegatedAdministrators({ client: options.caller.organizations }, { ServicePrincipal: ACCESS_ANALYZER_PRINCIPAL })) {
    for (const admin of required(page.DelegatedAdministrators, 'ListDelegatedAdministrators', 'DelegatedAdministrators')) if (admin.Id) delegated.push(admin.Id);
  }
  const accountId = delegated[0] ?? readerAccountId;
  let held: AccountClients | null = null;
  if (accountId !== readerAccountId) {
    try {
      held = await options.clientsIn(accountId);
    } catch (error) {
      throw codedError(errorCode(error) || 'AssumeRoleFailed', `cannot read Access Analyzer's delegated administrator ${accountId}: sts:AssumeRole: ${sourceError(error).message}`);
    }
    ledger.attach(held.clients.ec2);
  }
  const clients = held?.clients ?? options.caller;
  const made: { destroy(): void }[] = [];
  try {
    const regionSource = options.regions ? ('--regions' as const) : ('ec2:DescribeRegions' as const);
    let regions: string[];
    if (options.regions) regions = [...options.regions];
    else {
      try {
        regions = enabledRegionsFromAnswer(await clients.ec2.send(new DescribeRegionsCommand({ AllRegions: false })));
      } catch (error) {
        throw regionListError(error);
      }
    }
    const results = await Promise.all(
      regions.map(async (region) => {
        const client = clients.accessAnalyzerIn(region);
        ledger.attach(client);
        made.push(client);
        const result: Result<AccessAnalyzerRegion> = await resultOf(async () => {
          const analyzers: AccessAnalyzerRegion['analyzers'] = [];
          for await (const page of paginateListAnalyzers({ client }, { type: ORGANIZATION_ANALYZER_TYPE })) {
            // The type filter is asked of AWS and checked here: an endpoint that ignores it must not pass an account analyzer off as the organization's.
            analyzers.push(...analyzersFromAnswer(page).filter((analyzer) => analyzer.type === ORGANIZATION_ANALYZER_TYPE));
          }
          const findings: AccessAnalyzerRegion['findings'] = [];
          for (const analyzer of activeAnalyzers(analyzers)) {
            for await (const page of paginateListFindingsV2({ client }, { analyzerArn: analyzer.arn, filter: ACTIVE_FINDINGS_FILTER })) findings.push(...findingsFromAnswer(page, analyzer.arn));
          }
          return { analyzers, findings };
        });
        return [region, result] as const;
      }),
    );
    return { ...accessAnalyzerFromRegions(regionSource, results), accountId };
  } finally {
    for (const client of made) client.destroy();
    held?.release();
  }
}

/**
 * The organization's IAM Identity Center, read once (collectIdentityCenter) in the account that
 * holds its instance, in `identityCenterRegion` (default the caller's region): the caller itself
 * when it is the management account (where an organization instance lives, and the only account
 * that sees the assignments of the management account itself); otherwise Identity Center's
 * delegated administrator (organizations:ListDelegatedAdministrators, ServicePrincipal
 * sso.amazonaws.com): the caller when it is that account, else through the auditor role there;
 * with none, the management account through the auditor role there. Members' own snapshots do
 * not read it (collect-live.ts). Calls count under the identityCenter part (sso, identitystore,
 * iam:GetPolicy and GetPolicyVersion on the reading account's clients).
 */
async function identityCenterOf(options: OrganizationFactsOptions, readerAccountId: string, managementAccountId: string, ledger: CallLedger): Promise<IdentityCenterData> {
  let accountId = readerAccountId;
  if (readerAccountId !== managementAccountId) {
    const delegated: string[] = [];
    for await (const page of paginateListDelegatedAdministrators({ client: options.caller.organizations }, { ServicePrincipal: IDENTITY_CENTER_PRINCIPAL })) {
      for (const admin of required(page.DelegatedAdministrators, 'ListDelegatedAdministrators', 'DelegatedAdministrators')) if (admin.Id) delegated.push(admin.Id);
    }
    accountId = delegated.includes(readerAccountId) ? readerAccountId : (delegated[0] ?? managementAccountId);
  }
  let held: AccountClients | null = null;
  if (accountId !== readerAccountId) {
    try {
      held = await options.clientsIn(accountId);
    } catch (error) {
      throw codedError(errorCode(error) || 'AssumeRoleFailed', `cannot read IAM Identity Center in account ${accountId}, which holds the organization's instance: sts:AssumeRole: ${sourceError(error).message}`);
    }
    // The caller's IAM client is counted already; another account's is counted here.
    ledger.attach(held.clients.iam);
  }
  const clients = held?.clients ?? options.caller;
  const ssoAdminIn = regionalClients(clients.ssoAdminIn, ledger);
  const identityStoreIn = regionalClients(clients.identityStoreIn, ledger);
  try {
    return await collectIdentityCenter({ region: options.identityCenterRegion ?? options.caller.region, ssoAdminIn: ssoAdminIn.get, identityStoreIn: identityStoreIn.get, iam: clients.iam });
  } finally {
    ssoAdminIn.destroyAll();
    identityStoreIn.destroyAll();
    held?.release();
  }
}
