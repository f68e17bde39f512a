import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientsFor, createAwsSession, destroyClients, sessionClientConfig, shareCredentials, type AwsClients, type AwsSession, type CredentialProvider } from '../collect/aws-clients.js';
import { CallLedger } from '../collect/call-ledger.js';
import { collectLive, type NeededSources } from '../collect/live.js';
import type { LiveSourceOptions } from '../collect/live-settings.js';
import { ORGANIZATION_PART_OF_OPERATION } from '../collect/source-actions.js';
import { codeAndMessage, required, sourceError } from '../collect/source-error.js';
import { liveDescription, refuseUnfiled } from '../snapshot/obtain.js';
import type { CallCount, Snapshot } from '../snapshot/schema.js';
import { collectOrganizationFacts, type AccountClients } from './collect-facts.js';
import { DEFAULT_ROLE_NAME, selectAccounts, type AccountFilter } from './collect-selection.js';
import { asMemberSnapshot, memberSources, type AccountOutcome, type AccountSelection, type OrganizationSource } from './collection.js';
import type { OrganizationAccount } from './facts.js';

export { DEFAULT_ROLE_NAME } from './collect-selection.js';

/** --concurrency's default: accounts collected at once. */
export const DEFAULT_CONCURRENCY = 8;

/** The RoleSessionName of the auditor role assumed in each account: CloudTrail in that account shows it. */
export const ORGANIZATION_SESSION_NAME = 'hipaa-iam-org-audit';

/** --identity-center-region, carried with the live options (src/collect/live-settings.ts). */
interface IdentityCenterRegion {
  identityCenterRegion?: string;
}

export interface OrganizationLiveOptions extends Partial<AccountFilter> {
  /**
   * The caller's credentials (--profile, --region, --role-arn with its own --external-id, --regions, timeouts): the management account or a delegated administrator;
   * and the region of the organization's IAM Identity Center instance (--identity-center-region; default: the caller's region).
   */
  live: LiveSourceOptions & IdentityCenterRegion;
  /** The auditor role assumed in each member account (--role-name); default hipaa-iam-auditor. */
  roleName?: string;
  /** The ExternalId the member accounts' auditor role requires (--external-id); recorded only as given or not. */
  externalId?: string;
  /** Accounts collected at once (--concurrency); default 8. Also the most snapshots alive at a time. */
  concurrency?: number;
  /** The sources each account's collection reads (a subcommand reads only what its checks need); default every source. IAM Identity Center is never read per account (ORGANIZATION_READ_ONCE). */
  needed?: NeededSources;
  progress?: (message: string) => void;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

/**
 * The seam between the organization's collection and AWS: the caller's clients, and clients in
 * a covered account. Live runs get it from the caller's session (liveOrganizationAccess); tests
 * give their own.
 */
export interface OrganizationAccess {
  caller: AwsClients;
  /**
   * Clients in `accountId` through its auditor role (sts:AssumeRole on
   * arn:<partition>:iam::<id>:role/<roleName>, each account with its own clients, credentials and
   * retry state); for the caller's own account, new clients on the caller's own credentials (no
   * AssumeRole). Throws what AssumeRole threw.
   */
  clientsIn(accountId: string): Promise<AccountClients & { calls?: () => Record<string, CallCount>; how: string }>;
  /** How the run names this source (run.json). */
  description: string;
  /** Closes the caller's clients once every account is done. */
  close(): void;
}

/**
 * An organization as read live from the caller's credentials (the management account or a
 * delegated administrator): its facts read once (collectOrganizationFacts), the ACTIVE accounts
 * selected by `accounts`/`ous`/`exclude` (selectAccounts), and `outcomes` collecting each covered
 * account with collectLive through its auditor role, at most `concurrency` at a time.
 *
 * Throws before any account is read: InputError (exit 2) for a profile that cannot be read, an
 * account outside an organization or a member that may not list it, an --accounts /
 * --exclude-accounts id or --ou that the organization does not have; CollectionError (exit 3)
 * when the organization or its accounts cannot be read.
 */
export async function collectOrganizationLive(options: OrganizationLiveOptions): Promise<OrganizationSource> {
  const session = await createAwsSession(options.live, options.env ?? process.env);
  const access = liveOrganizationAccess(session, { roleName: options.roleName ?? DEFAULT_ROLE_NAME, externalId: options.externalId, description: liveDescription(session.profile, options.live.roleArn) });
  return collectOrganization(options, access);
}

/**
 * collectOrganizationLive on a given access (the caller's clients and a way into each account).
 * Every account outcome comes from `access.clientsIn` and collectLive:
 * - AssumeRole failing → `{ kind: 'unreachable', step: 'assume-role', reason: '<code>: <message>' }`;
 * - a collection that read nothing or cannot tell its account (CollectionError), or that read
 *   another account than the one assumed → unreachable, step 'collect';
 * - anything else, partial or not, → the collected snapshot, its unread sources kept as errors.
 * Reasons carry no credentials (sourceError strips URL credentials; AWS errors carry none).
 *
 * Backpressure: at most `concurrency` accounts are being collected or waiting to be consumed; a
 * yielded snapshot counts until the consumer asks for the next outcome. return() on the iterator
 * stops starting accounts (those in flight finish and are dropped). Each account's clients are
 * destroyed when its collection ends.
 */
export async function collectOrganization(options: Omit<OrganizationLiveOptions, 'live'> & { live?: Pick<LiveSourceOptions, 'regions'> & IdentityCenterRegion }, access: OrganizationAccess): Promise<OrganizationSource> {
  const progress = options.progress ?? (() => {});
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number of at least 1, not ${concurrency}`);
  const regions = options.live?.regions;
  const needed = memberSources(options.needed);
  let facts;
  let ouIds;
  try {
    ({ facts, ouIds } = await collectOrganizationFacts({
      caller: access.caller,
      clientsIn: access.clientsIn,
      ...(regions ? { regions } : {}),
      ...(options.live?.identityCenterRegion ? { identityCenterRegion: options.live.identityCenterRegion } : {}),
      ...(options.now ? { now: options.now } : {}),
      progress,
    }));
  } catch (error) {
    access.close();
    throw error;
  }
  const selection: AccountSelection = {
    accounts: options.accounts ?? null,
    ous: options.ous ?? null,
    exclude: options.exclude ?? [],
    roleName: options.roleName ?? DEFAULT_ROLE_NAME,
    externalId: options.externalId !== undefined,
  };
  // collectOrganizationFacts throws when the accounts cannot be read: no run without them.
  const accounts = facts.accounts.status === 'ok' ? facts.accounts.data : [];
  let chosen;
  try {
    chosen = selectAccounts(accounts, selection, ouIds);
  } catch (error) {
    access.close();
    throw error;
  }
  const { covered, skipped } = chosen;
  const description = `${access.description}, organization ${facts.organization.id}, role ${selection.roleName} in each account`;

  const collectOne = async (account: OrganizationAccount): Promise<AccountOutcome> => {
    let held;
    try {
      held = await access.clientsIn(account.id);
    } catch (error) {
      return { account, kind: 'unreachable', step: 'assume-role', reason: codeAndMessage(sourceError(error)) };
    }
    try {
      progress(`account ${account.id} (${account.name}): collecting…`);
      const from = `account ${account.id} (${held.how})`;
      let snapshot: Snapshot = refuseUnfiled(
        await collectLive({ clients: held.clients, description: `${access.description}, ${from}`, ...(regions ? { regions } : {}), needed, ...(options.now ? { now: options.now } : {}) }),
        from,
      );
      // Read once in the facts instead: the snapshot says so (and is saved so by collect --save).
      snapshot = asMemberSnapshot(snapshot);
      if (snapshot.accountId !== account.id) {
        return { account, kind: 'unreachable', step: 'collect', reason: `WrongAccount: the credentials for account ${account.id} (${held.how}) read account ${snapshot.accountId}` };
      }
      const assumeCalls = held.calls?.().assumeRole;
      if (assumeCalls) snapshot = { ...snapshot, collection: { ...snapshot.collection, calls: { ...snapshot.collection.calls, assumeRole: assumeCalls } } };
      return { account, kind: 'collected', snapshot };
    } catch (error) {
      // refuseUnfiled speaks to a single-account run ("so nothing was written"); here the run goes on without this account.
      return { account, kind: 'unreachable', step: 'collect', reason: codeAndMessage(sourceError(error)).replace(/, so nothing was written/, '') };
    } finally {
      held.release();
    }
  };

  return { facts, selection, covered, skipped, description, outcomes: boundedOutcomes(covered, concurrency, collectOne, access.close) };
}

/**
 * Collects `accounts` with `collectOne`, yielding outcomes as they finish. A permit is taken when
 * an account starts and given back when the consumer asks for the outcome after its own, so
 * collections in flight, finished ones waiting and the one being consumed never exceed
 * `concurrency`. `close` runs once no collection will start again and those in flight are done.
 */
export function boundedOutcomes<T extends { account: OrganizationAccount }>(accounts: readonly OrganizationAccount[], concurrency: number, collectOne: (account: OrganizationAccount) => Promise<T>, close: () => void = () => {}): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      let started = 0;
      let permits = concurrency;
      let stopped = false;
      let running = 0;
      // Settled collections waiting for the consumer: an outcome, or the error of a collectOne that broke its promise never to throw.
      const finished: ({ outcome: T } | { error: unknown })[] = [];
      let wake: (() => void) | null = null;
      let closed = false;
      const closeOnce = () => {
        if (!closed && running === 0 && (stopped || started === accounts.length)) {
          closed = true;
          close();
        }
      };
      const startMore = () => {
        while (!stopped && permits > 0 && started < accounts.length) {
          permits -= 1;
          running += 1;
          const account = accounts[started++]!;
          void collectOne(account)
            .then(
              (outcome) => finished.push({ outcome }),
              (error: unknown) => finished.push({ error }),
            )
            .finally(() => {
              running -= 1;
              wake?.();
              closeOnce();
            });
        }
      };
      let yielded = 0;
      let holding = false;
      return {
        async next(): Promise<IteratorResult<T>> {
          if (holding) {
            // The consumer is back: the outcome it was given is consumed.
            holding = false;
            permits += 1;
          }
          if (stopped || yielded === accounts.length) {
            closeOnce();
            return { done: true, value: undefined };
          }
          startMore();
          while (finished.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          const settled = finished.shift()!;
          yielded += 1;
          holding = true;
          if ('error' in settled) throw settled.error;
          return { done: false, value: settled.outcome };
        },
        async return(): Promise<IteratorResult<T>> {
          stopped = true;
          finished.length = 0;
          closeOnce();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      } as AsyncIterableIterator<T>;
    },
  };
}

/**
 * The live access of an organization run: the caller's clients on its session, and for each
 * account new clients on the auditor role there, assumed with the account's own STS client (on
 * the caller's credentials) so that its retries and throttling are its own. The role is assumed
 * once up front (so a refusal is the account's 'assume-role' step) and again five minutes
 * before the credentials expire, however long the account's collection runs.
 */
export function liveOrganizationAccess(session: AwsSession, options: { roleName: string; externalId?: string | undefined; description: string }): OrganizationAccess {
  const caller = clientsFor(session);
  let callerIdentity: Promise<{ account: string; partition: string }> | null = null;
  const whoCalls = () =>
    (callerIdentity ??= caller.sts.send(new GetCallerIdentityCommand({})).then((identity) => ({
      account: required(identity.Account, 'GetCallerIdentity', 'Account'),
      partition: required(identity.Arn, 'GetCallerIdentity', 'Arn').split(':')[1] ?? 'aws',
    })));
  return {
    caller,
    description: options.description,
    close: () => destroyClients(caller),
    async clientsIn(accountId) {
      const { account, partition } = await whoCalls();
      if (accountId === account) {
        const clients = clientsFor(session);
        return { clients, how: 'the caller’s own credentials, no role assumed', release: () => destroyClients(clients) };
      }
      const roleArn = `arn:${partition}:iam::${accountId}:role/${options.roleName}`;
      const ledger = new CallLedger(ORGANIZATION_PART_OF_OPERATION);
      const sts = new STSClient(sessionClientConfig(session, 'STS'));
      ledger.attach(sts);
      const assume = async () => {
        const answer = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ORGANIZATION_SESSION_NAME, ...(options.externalId ? { ExternalId: options.externalId } : {}) }));
        const credentials = required(answer.Credentials, 'AssumeRole', 'Credentials');
        return {
          accessKeyId: required(credentials.AccessKeyId, 'AssumeRole', 'Credentials.AccessKeyId'),
          secretAccessKey: required(credentials.SecretAccessKey, 'AssumeRole', 'Credentials.SecretAccessKey'),
          sessionToken: required(credentials.SessionToken, 'AssumeRole', 'Credentials.SessionToken'),
          ...(credentials.Expiration ? { expiration: new Date(credentials.Expiration) } : {}),
        };
      };
      let first: Awaited<ReturnType<typeof assume>> | null;
      try {
        first = await assume();
      } catch (error) {
        sts.destroy();
        throw error;
      }
      const provider = shareCredentials((async () => {
        const given = first;
        first = null;
        return given ?? assume();
      }) as CredentialProvider);
      const clients = clientsFor(session, provider);
      return {
        clients,
        how: `role ${roleArn}`,
        calls: () => ledger.snapshot(),
        release: () => {
          destroyClients(clients);
          sts.destroy();
        },
      };
    },
  };
}
