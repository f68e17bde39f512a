import { PAGED_EXPORTS } from './export-pages.js';
import { SOURCE_LABELS, type AuthorizationDetails, type Snapshot, type SourceData, type SourceName, type Sources } from './schema.js';

/** Two sources, or more, saying different things of the same account; both figures are in the message. */
export interface Disagreement {
  sources: SourceName[];
  message: string;
}

const RERUN = 'the account changed between the two calls or an answer was incomplete; run again (no tolerance is allowed: a count that is off by one is a user or a device nobody judged)';

/** GetAccountSummary's counts of what the authorization details list, and how to count it there. */
const DETAIL_COUNTS: Record<string, (details: AuthorizationDetails) => number> = {
  UserDetailList: (d) => d.users.length,
  GroupDetailList: (d) => d.groups.length,
  RoleDetailList: (d) => d.roles.length,
  // SummaryMap's Policies counts customer managed policies only.
  Policies: (d) => d.policies.filter((p) => !p.awsManaged).length,
};

/**
 * What the sources of one snapshot say of each other that cannot all be true, each with both
 * figures. Compared, where both sources were read and the summary holds the count:
 * - GetAccountSummary's Users, Groups, Roles and Policies (customer managed) with the entities
 *   GetAccountAuthorizationDetails lists (the same counts that check an import's pages);
 * - GetAccountSummary's MFADevices and MFADevicesInUse with ListVirtualMFADevices. Only a
 *   virtual device can exist unassigned (a hardware token or FIDO key is in IAM only while
 *   enabled for someone), so MFADevices − MFADevicesInUse devices are unassigned virtual
 *   devices, and the list must hold at least that many without a user; and it cannot hold more
 *   devices of IAM users and unassigned ones than MFADevices counts in all. Root's device is
 *   left out of that upper bound, and the lower bound assumes GetAccountSummary counts root's
 *   device alike in MFADevices and MFADevicesInUse (AWS does not document either count further).
 * Not compared: the credential report, which AWS regenerates at most every 4 hours, so it may
 * honestly lag the other sources (a user's MFA removed an hour ago is still mfa_active there).
 */
export function sourceDisagreements(sources: Sources): Disagreement[] {
  const found: Disagreement[] = [];
  for (const { list, voucher, compare } of CROSS_CHECKS) {
    const listed = sources[list];
    const vouching = sources[voucher];
    // A side that was not read (an error, NotCollected included) has nothing to compare.
    if (listed.status !== 'ok' || vouching.status !== 'ok') continue;
    for (const message of compare(vouching.data as never, listed.data as never)) found.push({ sources: [voucher, list], message });
  }
  return found;
}

interface CrossCheck<L extends SourceName, V extends SourceName> {
  /** The list whose completeness is vouched for. */
  list: L;
  /** The source that vouches for it: a run reading the list reads this too (vouchersOf). */
  voucher: V;
  compare: (voucher: SourceData<V>, list: SourceData<L>) => string[];
}
const crossCheck = <L extends SourceName, V extends SourceName>(c: CrossCheck<L, V>) => c as unknown as CrossCheck<SourceName, SourceName>;

/** Every comparison sourceDisagreements makes, as data: what it compares is what vouchersOf adds to a run. */
const CROSS_CHECKS: readonly CrossCheck<SourceName, SourceName>[] = [
  crossCheck({
    list: 'authorizationDetails',
    voucher: 'accountSummary',
    compare: ({ summaryMap: summary }, details) => {
      const messages: string[] = [];
      for (const { list, summaryKey, label } of PAGED_EXPORTS.authorizationDetails.summaryCounts) {
        const counted = summary[summaryKey];
        const count = DETAIL_COUNTS[list];
        if (typeof counted !== 'number' || !count) continue;
        const listed = count(details);
        if (listed !== counted) messages.push(`GetAccountSummary counts ${counted} ${label} (${summaryKey}) but GetAccountAuthorizationDetails lists ${listed}: ${RERUN}`);
      }
      return messages;
    },
  }),
  crossCheck({
    list: 'virtualMfaDevices',
    voucher: 'accountSummary',
    compare: ({ summaryMap: summary }, { devices }) => {
      const messages: string[] = [];
      const total = summary.MFADevices;
      const inUse = summary.MFADevicesInUse;
      if (typeof total !== 'number' || typeof inUse !== 'number') return messages;
      const unassigned = devices.filter((d) => d.userArn === null).length;
      const notRoot = devices.filter((d) => d.userArn === null || !/:root$/.test(d.userArn)).length;
      if (unassigned < total - inUse) {
        messages.push(`GetAccountSummary counts ${total} MFA devices (MFADevices) of which ${inUse} in use (MFADevicesInUse), so ${total - inUse} unassigned, which only virtual devices can be, but ListVirtualMFADevices lists ${unassigned} unassigned (of ${devices.length}): ${RERUN}`);
      }
      if (notRoot > total) {
        messages.push(`ListVirtualMFADevices lists ${notRoot} devices of IAM users or unassigned but GetAccountSummary counts ${total} MFA devices in all (MFADevices): ${RERUN}`);
      }
      return messages;
    },
  }),
];

/**
 * The sources that vouch for a source (accountSummary for authorizationDetails and
 * virtualMfaDevices): a run that reads the source reads these too, so its completeness is
 * checked as in a full collection. Derived from CROSS_CHECKS, the comparisons themselves.
 */
export function vouchersOf(source: SourceName): SourceName[] {
  return CROSS_CHECKS.filter((c) => c.list === source).map((c) => c.voucher);
}

/**
 * The snapshot with every source involved in a disagreement turned into an ERROR (code
 * SourcesDisagree) whose message gives both figures, so the controls that need it are ERROR,
 * never a PASS read from a list that an incomplete answer emptied. A source already in error
 * is left as it was; applying this twice changes nothing more.
 */
export function crossCheckSources(snapshot: Snapshot): Snapshot {
  const disagreements = sourceDisagreements(snapshot.sources);
  if (disagreements.length === 0) return snapshot;
  const sources = { ...snapshot.sources } as Record<SourceName, Sources[SourceName]>;
  const involved = new Set(disagreements.flatMap((d) => d.sources));
  for (const name of involved) {
    const messages = disagreements.filter((d) => d.sources.includes(name)).map((d) => d.message);
    const others = [...new Set(disagreements.filter((d) => d.sources.includes(name)).flatMap((d) => d.sources))].filter((s) => s !== name);
    sources[name] = {
      status: 'error',
      error: { code: 'SourcesDisagree', message: `disagrees with ${others.map((s) => SOURCE_LABELS[s]).join(' and ')}: ${messages.join('; ')}` },
    };
  }
  return { ...snapshot, sources: sources as Sources };
}
