import {
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListRoles,
  paginateListVirtualMFADevices,
  type GetAccountAuthorizationDetailsCommandOutput,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CollectionError } from '../errors.js';
import { fromAwsAuthorizationDetails, withSessionLimits, type AwsAuthorizationDetails } from '../snapshot/authorization-details.js';
import { accountIdFromSources, buildSnapshot, notCollected, type SourceResults } from '../snapshot/build.js';
import { crossCheckSources } from '../snapshot/cross-check.js';
import type { Snapshot, SourceData, SourceError, SourceName } from '../snapshot/schema.js';
import { collectAccessAnalyzer } from './access-analyzer.js';
import type { AwsClients } from './aws-clients.js';
import { CallLedger } from './call-ledger.js';
import { collectCloudTrail } from './cloudtrail.js';
import { DEFAULT_TIMING, fetchCredentialReport, type CredentialReportTiming } from './credential-report.js';
import { collectIdentityCenter } from './identity-center.js';
import { collectIdentityProviders } from './identity-providers.js';
import { collectOrganizations } from './organizations.js';
import { malformedAnswer, required, resultOf, sourceError } from './source-error.js';

export { sourceError } from './source-error.js';

export interface LiveCollectOptions {
  clients: AwsClients;
  description: string;
  progress?: (message: string) => void;
  credentialReportTiming?: CredentialReportTiming;
  now?: () => Date;
  /** Regions to look for Access Analyzer in; default: every region enabled for the account. */
  regions?: readonly string[];
  /** The region IAM Identity Center is read in (--identity-center-region); default: the collection region. */
  identityCenterRegion?: string;
  /** The sources to read and who needs them; default: every source (collect --save, a full audit). */
  needed?: NeededSources;
}

/**
 * The sources a run reads, and for whom: a source outside `sources` is not called at all and is
 * recorded as NotCollected, "not needed by <by>" (e.g. "password-policy's controls").
 * callerIdentity is always read, whatever the list: it names the account.
 */
export interface NeededSources {
  sources: readonly SourceName[];
  by: string;
}


/**
 * Reads every needed source once (options.needed; default every source); a source that fails,
 * answers without a field AWS always returns, or disagrees with another source
 * (crossCheckSources) is recorded with its error, never dropped; a source not needed is not
 * called and is recorded as NotCollected with the reason.
 */
export async function collectLive(options: LiveCollectOptions): Promise<Snapshot> {
  const { iam, sts, organizations, ec2 } = options.clients;
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? (() => {});
  const ledger = new CallLedger();
  for (const client of [iam, sts, organizations, ec2]) ledger.attach(client);
  const cloudTrailIn = regionalClients(options.clients.cloudTrailIn, ledger);
  const accessAnalyzerIn = regionalClients(options.clients.accessAnalyzerIn, ledger);
  const ssoAdminIn = regionalClients(options.clients.ssoAdminIn, ledger);
  const identityStoreIn = regionalClients(options.clients.identityStoreIn, ledger);
  const startedAt = now();

  const sources: SourceResults = {
    callerIdentity: await capture('callerIdentity', progress, async () => {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      return {
        account: required(identity.Account, 'GetCallerIdentity', 'Account'),
        arn: required(identity.Arn, 'GetCallerIdentity', 'Arn'),
        userId: identity.UserId ?? '',
      };
    }),
  };
  if (sources.callerIdentity?.status === 'error' && isCredentialsProblem(sources.callerIdentity.error)) {
    throw new CollectionError(`no usable AWS credentials for ${options.description}: ${sources.callerIdentity.error.message}`);
  }
  // Independent sources run together; each still pages through its own API serially (Access
  // Analyzer's regions, being independent too, run side by side).
  const readers: { [K in Exclude<SourceName, 'callerIdentity'>]: () => Promise<SourceData<K>> } = {
    credentialReport: () => fetchCredentialReport(iam, options.credentialReportTiming ?? DEFAULT_TIMING),
    authorizationDetails: async () => {
      const pages: AwsAuthorizationDetails[] = [];
      const paginator = paginateGetAccountAuthorizationDetails(
        { client: iam, pageSize: 1000 },
        { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] },
      );
      for await (const page of paginator) pages.push(authorizationDetailsPage(page));
      const details = fromAwsAuthorizationDetails(pages);
      // Authorization details leave out each role's MaxSessionDuration; ListRoles has it (a page per 1000 roles).
      // Without them only session-duration is blind, so a failure here is kept beside the details.
      const sessionLimits = new Map<string, number>();
      try {
        for await (const page of paginateListRoles({ client: iam, pageSize: 1000 }, {})) {
          for (const role of required(page?.Roles, 'ListRoles', 'Roles')) if (role.Arn && role.MaxSessionDuration) sessionLimits.set(role.Arn, role.MaxSessionDuration);
        }
      } catch (error) {
        const { code, message } = sourceError(error);
        return { ...details, roleSessionLimitsError: `iam:ListRoles: ${code}: ${message}` };
      }
      return withSessionLimits(details, sessionLimits);
    },
    accountSummary: async () => {
      const summary = await iam.send(new GetAccountSummaryCommand({}));
      const summaryMap = { ...required(summary.SummaryMap, 'GetAccountSummary', 'SummaryMap') } as Record<string, number>;
      const absent = SUMMARY_KEYS_READ.filter((key) => typeof summaryMap[key] !== 'number');
      if (absent.length > 0) throw malformedAnswer('GetAccountSummary', `${absent.join(', ')} in its SummaryMap`);
      return { summaryMap };
    },
    virtualMfaDevices: async () => {
      const devices = [];
      for await (const page of paginateListVirtualMFADevices({ client: iam, pageSize: 1000 }, { AssignmentStatus: 'Any' })) {
        for (const device of required(page.VirtualMFADevices, 'ListVirtualMFADevices', 'VirtualMFADevices')) {
          // Deliberately drops Base32StringSeed and QRCodePNG: they are the device's secret.
          devices.push({
            serialNumber: device.SerialNumber ?? '',
            userArn: device.User?.Arn ?? null,
            userName: device.User?.UserName ?? null,
            enableDate: device.EnableDate ? device.EnableDate.toISOString() : null,
          });
        }
      }
      return { devices };
    },
    passwordPolicy: async () => {
      try {
        // "No policy set" is NoSuchEntity below; a 200 answer without the policy is incomplete.
        const p = required((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy, 'GetAccountPasswordPolicy', 'PasswordPolicy');
        return {
          policy: {
            minimumPasswordLength: p.MinimumPasswordLength ?? null,
            requireSymbols: p.RequireSymbols ?? false,
            requireNumbers: p.RequireNumbers ?? false,
            requireUppercaseCharacters: p.RequireUppercaseCharacters ?? false,
            requireLowercaseCharacters: p.RequireLowercaseCharacters ?? false,
            allowUsersToChangePassword: p.AllowUsersToChangePassword ?? false,
            expirePasswords: p.ExpirePasswords ?? false,
            maxPasswordAge: p.MaxPasswordAge ?? null,
            passwordReusePrevention: p.PasswordReusePrevention ?? null,
            hardExpiry: p.HardExpiry ?? null,
          },
        };
      } catch (error) {
        // NoSuchEntity is a fact (no policy set: AWS's default applies), not a failure to read.
        if ((error as { name?: string }).name === 'NoSuchEntityException') return { policy: null };
        throw error;
      }
    },
    identityProviders: () => collectIdentityProviders(iam),
    cloudTrail: () => collectCloudTrail(options.clients.region, cloudTrailIn.get),
    organizations: () => collectOrganizations(organizations),
    // ec2:DescribeRegions is called only here, so only when Access Analyzer is needed.
    accessAnalyzer: () => collectAccessAnalyzer({ ec2, accessAnalyzerIn: accessAnalyzerIn.get, regions: options.regions }),
    identityCenter: () => collectIdentityCenter({ region: options.identityCenterRegion ?? options.clients.region, ssoAdminIn: ssoAdminIn.get, identityStoreIn: identityStoreIn.get, iam }),
  };
  const needed = options.needed ? new Set(options.needed.sources) : null;
  const names = Object.keys(readers) as (keyof typeof readers)[];
  const results = await Promise.all(
    names.map((name) => (needed === null || needed.has(name) ? capture(name, progress, readers[name] as () => Promise<unknown>) : Promise.resolve({ status: 'error' as const, error: notCollected(options.needed!.by) }))),
  ).finally(() => {
    cloudTrailIn.destroyAll();
    accessAnalyzerIn.destroyAll();
    ssoAdminIn.destroyAll();
    identityStoreIn.destroyAll();
  });
  names.forEach((name, i) => Object.assign(sources, { [name]: results[i] }));

  // Each answer was read alone; whether they can all be true at once is known only together.
  return crossCheckSources(
    buildSnapshot({
      accountId: accountIdFromSources(sources),
      collectedAt: now(),
      origin: { kind: 'live', description: options.description, ...(options.clients.profile ? { region: options.clients.profile.region, regionSource: options.clients.profile.regionSource } : {}) },
      collection: { startedAt: startedAt.toISOString(), finishedAt: now().toISOString(), calls: ledger.snapshot() },
      sources,
    }),
  );
}

/** The SummaryMap counts that checks and cross-checks read; AWS returns every one of them in every account. */
export const SUMMARY_KEYS_READ = ['Users', 'Groups', 'Roles', 'Policies', 'MFADevices', 'MFADevicesInUse', 'AccountMFAEnabled'] as const;

/** Asked for every entity type, AWS returns all four lists on every page, empty or not. */
function authorizationDetailsPage(page: GetAccountAuthorizationDetailsCommandOutput): AwsAuthorizationDetails {
  for (const list of ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'] as const) required(page[list], 'GetAccountAuthorizationDetails', list);
  return page as AwsAuthorizationDetails;
}

async function capture<T>(name: SourceName, progress: (message: string) => void, read: () => Promise<T>) {
  progress(`collecting ${name}…`);
  return resultOf(read);
}

/** One client per region, made on first use and counted by the run's ledger; destroyAll ends them together. */
export function regionalClients<C extends Parameters<CallLedger['attach']>[0] & { destroy(): void }>(make: (region: string) => C, ledger: CallLedger) {
  const clients = new Map<string, C>();
  return {
    get: (region: string): C => {
      let client = clients.get(region);
      if (!client) {
        client = make(region);
        ledger.attach(client);
        clients.set(region, client);
      }
      return client;
    },
    destroyAll: () => {
      for (const client of clients.values()) client.destroy();
    },
  };
}

function isCredentialsProblem(error: SourceError): boolean {
  return error.code === 'CredentialsProviderError' || error.code === 'ProviderError' || /could not load credentials/i.test(error.message);
}
