import {
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListVirtualMFADevices,
  type GetAccountAuthorizationDetailsCommandOutput,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CollectionError, errorMessage } from '../errors.js';
import { fromAwsAuthorizationDetails, type AwsAuthorizationDetails } from '../snapshot/authorization-details.js';
import { accountIdFromSources, buildSnapshot, type SourceResults } from '../snapshot/build.js';
import type { Snapshot, SourceError, SourceName } from '../snapshot/schema.js';
import type { AwsClients } from './aws-clients.js';
import { CallLedger } from './call-ledger.js';
import { DEFAULT_TIMING, fetchCredentialReport, type CredentialReportTiming } from './credential-report.js';

export interface LiveCollectOptions {
  clients: AwsClients;
  description: string;
  progress?: (message: string) => void;
  credentialReportTiming?: CredentialReportTiming;
  now?: () => Date;
}

/** Reads every source once; a source that fails is recorded with its error, never dropped. */
export async function collectLive(options: LiveCollectOptions): Promise<Snapshot> {
  const { iam, sts } = options.clients;
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? (() => {});
  const ledger = new CallLedger();
  ledger.attach(iam);
  ledger.attach(sts);
  const startedAt = now();

  const sources: SourceResults = {
    callerIdentity: await capture('callerIdentity', progress, async () => {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      return { account: identity.Account ?? '', arn: identity.Arn ?? '', userId: identity.UserId ?? '' };
    }),
  };
  if (sources.callerIdentity?.status === 'error' && isCredentialsProblem(sources.callerIdentity.error)) {
    throw new CollectionError(`no usable AWS credentials: ${sources.callerIdentity.error.message}`);
  }
  // Independent sources run together; each still pages through its own API serially.
  const [credentialReport, authorizationDetails, accountSummary, virtualMfaDevices, passwordPolicy] = await Promise.all([
    capture('credentialReport', progress, () => fetchCredentialReport(iam, options.credentialReportTiming ?? DEFAULT_TIMING)),
    capture('authorizationDetails', progress, async () => {
      const pages: AwsAuthorizationDetails[] = [];
      const paginator = paginateGetAccountAuthorizationDetails(
        { client: iam, pageSize: 1000 },
        { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] },
      );
      for await (const page of paginator) pages.push(page as GetAccountAuthorizationDetailsCommandOutput as AwsAuthorizationDetails);
      return fromAwsAuthorizationDetails(pages);
    }),
    capture('accountSummary', progress, async () => {
      const summary = await iam.send(new GetAccountSummaryCommand({}));
      return { summaryMap: { ...(summary.SummaryMap ?? {}) } as Record<string, number> };
    }),
    capture('virtualMfaDevices', progress, async () => {
      const devices = [];
      for await (const page of paginateListVirtualMFADevices({ client: iam, pageSize: 1000 }, { AssignmentStatus: 'Any' })) {
        for (const device of page.VirtualMFADevices ?? []) {
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
    }),
    capture('passwordPolicy', progress, async () => {
      try {
        const { PasswordPolicy: p } = await iam.send(new GetAccountPasswordPolicyCommand({}));
        if (!p) return { policy: null };
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
    }),
  ]);
  Object.assign(sources, { credentialReport, authorizationDetails, accountSummary, virtualMfaDevices, passwordPolicy });

  return buildSnapshot({
    accountId: accountIdFromSources(sources),
    collectedAt: now(),
    origin: { kind: 'live', description: options.description },
    collection: { startedAt: startedAt.toISOString(), finishedAt: now().toISOString(), calls: ledger.snapshot() },
    sources,
  });
}

async function capture<T>(name: SourceName, progress: (message: string) => void, read: () => Promise<T>) {
  progress(`collecting ${name}…`);
  try {
    return { status: 'ok' as const, data: await read() };
  } catch (error) {
    return { status: 'error' as const, error: sourceError(error) };
  }
}

export function sourceError(error: unknown): SourceError {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e?.Code ?? (e?.name && e.name !== 'Error' ? e.name : 'Error');
  const status = e?.$metadata?.httpStatusCode;
  const message = errorMessage(error).split('\n')[0] || 'no message';
  return { code, message: status && !message.includes(String(status)) ? `${message} (HTTP ${status})` : message };
}

function isCredentialsProblem(error: SourceError): boolean {
  return error.code === 'CredentialsProviderError' || error.code === 'ProviderError' || /could not load credentials/i.test(error.message);
}
