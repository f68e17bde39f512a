import { indexEligibleServices, type EligibleServicesList, type PrefixClassification } from '../../hipaa/eligible-services.js';
import { adminAccess, grantsReaching, hitLabel, hitQualifier, isAdministrator, reachableServices, type PrincipalPermissions, type ServiceGrant, type ServiceReach, type Shared } from '../../policy/effective-permissions.js';
import { servicePrefixes } from '../../policy/action-catalog.js';
import { isServiceLinkedRole } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';

/**
 * Identity policies let each user and role reach only HIPAA-eligible services (and the control
 * plane of src/hipaa/control-plane.ts: identity, support, billing, which hold no ePHI, so the
 * AWSSupportAccess role IAM-030 asks for passes). Services eligible only in part are MANUAL: a
 * person must confirm the caveat holds (e.g. ElastiCache used with Redis, not Memcached). The
 * message and evidence name the list's date.
 *
 * Evidence carries what is particular to the principal: the services it reaches (compactly, see
 * ReachVerdict.reachedEvidence: access-review.csv reads them), the non-eligible ones and the grants
 * (statement and Action/NotAction) that reach them; partly eligible services are named, their
 * caveats quoted only where they decide the verdict (MANUAL). The list is named by its date and
 * first source, never copied (run.json's eligibleServices records every source). Principals with
 * the same policies (one shared result set of the account model) are judged once, their findings
 * differing only in names and grant labels.
 */
export default defineCheck({
  meta: {
    controlId: 'non-eligible-services',
    riskId: 'IAM-021',
    title: 'Principals reach only HIPAA-eligible services',
    group: 'least-privilege',
    severity: 'medium',
    hipaa: ['164.308(b)(1)', '164.314(a)'],
    description: 'No user or role is allowed any action of a service outside AWS\'s HIPAA Eligible Services Reference; services eligible only in part are listed with their caveat.',
    remediation: 'Remove the grants of non-eligible services from the listed principals (or cap them with a permissions boundary or an SCP of eligible services: hipaa-iam scp).',
    documentation: 'https://aws.amazon.com/compliance/hipaa-eligible-services-reference/',
    sources: ['authorizationDetails'],
    usesEligibleServices: true,
  },
  run({ snapshot, settings, model }) {
    const details = sourceData(snapshot, 'authorizationDetails');
    const judgeEligibility = eligibilityJudge(settings.eligibleServices);
    const judge = (perms: PrincipalPermissions, resourceType: string, kind: string): FindingDraft => {
      const { name, arn } = perms.principal;
      return { resourceType, resourceArn: arn, resourceName: name, ...judgeEligibility(perms, `${kind} ${name}`) };
    };
    const findings = [
      ...details.users.map((user) => judge(model.userPermissions(user), 'AWS::IAM::User', 'user')),
      ...details.roles.filter((role) => !isServiceLinkedRole(role)).map((role) => judge(model.rolePermissions(role), 'AWS::IAM::Role', 'role')),
    ];
    return findings.length > 0 ? findings : [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no users or customer roles')];
  },
});

/** A principal's verdict on the eligible-services list: status, message (naming the principal as `subject`) and evidence. */
export type EligibilityVerdict = Pick<FindingDraft, 'status' | 'message' | 'evidence'>;

/**
 * The judgement of IAM-021 for one list, shared by every principal of a run (IAM-035 judges each
 * permission set in an account with it too): `(perms, subject) → verdict`, where `subject` names
 * the principal in the message ("user alice", "permission set Admin in 111122223333"). FAIL for a
 * reach of a non-eligible service (administrators reach all), ERROR when a policy could not be
 * read and nothing non-eligible was found, MANUAL for services eligible only in part, else PASS;
 * every message names the list's date. Pure apart from its caches (each prefix classified once,
 * each distinct reach and policy set judged once).
 */
export function eligibilityJudge(list: EligibleServicesList): (perms: PrincipalPermissions, subject: string) => EligibilityVerdict {
  const index = indexEligibleServices(list);
  const listEvidence = { eligibleServicesAsOf: list.asOf, eligibleServicesSource: listSource(list) };
  // Every verdict that depends on the list says which list: it goes stale as AWS adds services.
  const listDate = ` (eligible-services list as of ${list.asOf})`;
  // Each prefix classified once, each distinct reach judged once (a few dozen among thousands of policy sets), each set once.
  const classes = new Map<string, PrefixClassification>();
  const classify = (prefix: string) => {
    let known = classes.get(prefix);
    if (!known) {
      known = index.classify(prefix);
      classes.set(prefix, known);
    }
    return known;
  };
  const byReach = new Map<readonly ServiceReach[], ReachVerdict>();
  const bySet = new Map<Shared, SetVerdict>();
  const verdictOf = (perms: PrincipalPermissions): SetVerdict => {
    let verdict = bySet.get(perms.shared);
    if (!verdict) {
      verdict = judgeSet(perms, byReach, classify);
      bySet.set(perms.shared, verdict);
    }
    return verdict;
  };
  // A PASS's evidence depends on the reach alone: one object per reach, shared by its findings (never changed once made).
  const passEvidence = new Map<readonly string[], Record<string, unknown>>();
  return (perms, subject) => {
    const v = verdictOf(perms);
    if (v.admin) {
      const grantedBy = adminAccess(perms).grants.map((h) => hitLabel(perms, h));
      return { status: 'FAIL', message: `${subject} can reach every service, eligible or not (administrator)`, evidence: { ...listEvidence, reachableServices: ['*'], notEligible: ['*'], grantedBy } };
    }
    const grantedBy = (grants: readonly ServiceGrant[]) => grants.map((g) => `${hitLabel(perms, g.hit)}: ${g.actions}${hitQualifier(g.hit)}`);
    if (v.notEligible.length > 0) {
      const evidence = { ...listEvidence, reachableServices: v.reachedEvidence, notEligible: v.notEligibleEvidence, grantedBy: grantedBy(v.notEligibleGrants), partiallyEligible: v.partialServices, unreadablePolicies: perms.unreadable };
      return { status: 'FAIL', message: `${subject} can reach services that are not HIPAA-eligible: ${v.notEligibleText}${listDate}`, evidence };
    }
    if (perms.unreadable.length > 0) {
      return { status: 'ERROR', message: `${subject}: ${perms.unreadable.join(', ')} could not be read`, evidence: { ...listEvidence, reachableServices: v.reachedEvidence, notEligible: [], partiallyEligible: v.partialServices, unreadablePolicies: perms.unreadable } };
    }
    if (v.partial.length > 0) {
      const evidence = { ...listEvidence, reachableServices: v.reachedEvidence, notEligible: [], partiallyEligible: v.partial, grantedBy: grantedBy(v.partialGrants) };
      return { status: 'MANUAL', message: `${subject} reaches services eligible only in part; confirm: ${v.partialText}${listDate}`, evidence };
    }
    let evidence = passEvidence.get(v.reachedEvidence);
    if (!evidence) {
      evidence = { ...listEvidence, reachableServices: v.reachedEvidence, notEligible: [] };
      passEvidence.set(v.reachedEvidence, evidence);
    }
    return { status: 'PASS', message: `${subject} reaches only eligible and control-plane services${v.reachedText}${listDate}`, evidence };
  };
}

/** How many services a message names; the evidence lists them all. */
const NAMED_IN_MESSAGE = 12;

/**
 * A message's list: every item when there are few, else the first ones and how many more the
 * evidence lists. A principal reaching 300 non-eligible services had all 300 in its message, which
 * was then copied into findings.csv, its group's CSV and changes.csv: 4 KB a finding, most of the
 * evidence written at 10,000 principals.
 */
function firstOf(items: readonly string[], separator: string): string {
  if (items.length <= NAMED_IN_MESSAGE) return items.join(separator);
  return `${items.slice(0, NAMED_IN_MESSAGE - 2).join(separator)}${separator}and ${items.length - (NAMED_IN_MESSAGE - 2)} more (every one in the evidence)`;
}

/** The verdict on one reach (services and whether each is reached under a condition only). */
interface ReachVerdict {
  /** "gamelift", "gamelift (under a condition)". */
  notEligible: string[];
  /** As the evidence states them: the labels, or, when they are most of the catalogue's non-eligible services and none is conditional, "*" and "-prefix" for each of those it does not reach. */
  notEligibleEvidence: string[];
  notEligiblePrefixes: ReadonlySet<string>;
  notEligibleText: string;
  /** "elasticache: Amazon ElastiCache: Valkey and Redis OSS only" (the list's caveat). */
  partial: string[];
  partialText: string;
  /** The partly eligible services alone, as a FAIL or ERROR names them (their caveats are the list's). */
  partialServices: string[];
  partialPrefixes: ReadonlySet<string>;
  reached: string[];
  /**
   * The services reached, as the evidence states them: their prefixes, or, for a principal that
   * reaches most of the action catalogue, "*" followed by "-prefix" for each catalogue service it
   * cannot reach (and any prefix it reaches that the catalogue does not list).
   */
  reachedEvidence: string[];
  /** " (s3, kms)", or "" when nothing is reached. */
  reachedText: string;
}

/** The verdict shared by every principal with the same policies: administrator, or its reach judged, and the grants behind it. */
interface SetVerdict extends ReachVerdict {
  admin: boolean;
  notEligibleGrants: ServiceGrant[];
  partialGrants: ServiceGrant[];
}

const NO_REACH: ReachVerdict = { notEligible: [], notEligibleEvidence: [], notEligiblePrefixes: new Set(), notEligibleText: '', partial: [], partialText: '', partialServices: [], partialPrefixes: new Set(), reached: [], reachedEvidence: [], reachedText: '' };

function judgeSet(perms: PrincipalPermissions, byReach: Map<readonly ServiceReach[], ReachVerdict>, classify: (prefix: string) => PrefixClassification): SetVerdict {
  if (isAdministrator(adminAccess(perms))) return { admin: true, ...NO_REACH, notEligibleGrants: [], partialGrants: [] };
  const reach = reachableServices(perms);
  let verdict = byReach.get(reach);
  if (!verdict) {
    verdict = judgeReach(reach, classify);
    byReach.set(reach, verdict);
  }
  return {
    admin: false,
    ...verdict,
    notEligibleGrants: verdict.notEligible.length > 0 ? grantsReaching(perms, verdict.notEligiblePrefixes) : [],
    partialGrants: verdict.notEligible.length === 0 && verdict.partial.length > 0 ? grantsReaching(perms, verdict.partialPrefixes) : [],
  };
}

function judgeReach(reach: readonly ServiceReach[], classify: (prefix: string) => PrefixClassification): ReachVerdict {
  const catalogue = servicePrefixes();
  const notEligible: string[] = [];
  const notEligiblePrefixes: string[] = [];
  const partial: string[] = [];
  const partialServices: string[] = [];
  const partialPrefixes: string[] = [];
  for (const { service, access } of reach) {
    const verdict = classify(service);
    const label = access === 'conditional' ? `${service} (under a condition)` : service;
    if (verdict.status === 'not-eligible') {
      notEligible.push(label);
      notEligiblePrefixes.push(service);
    } else if (verdict.status === 'partial') {
      partial.push(`${label}: ${verdict.caveats.join(' / ')}`);
      partialServices.push(label);
      partialPrefixes.push(service);
    }
  }
  const reached = reach.map((r) => r.service);
  return {
    notEligible,
    notEligibleEvidence: notEligible.length === notEligiblePrefixes.length && notEligible.every((label, i) => label === notEligiblePrefixes[i])
      ? compactList(notEligiblePrefixes, catalogue.filter((service) => classify(service).status === 'not-eligible'))
      : notEligible,
    notEligiblePrefixes: new Set(notEligiblePrefixes),
    notEligibleText: firstOf(notEligible, ', '),
    partial,
    partialText: firstOf(partial, '; '),
    partialServices,
    partialPrefixes: new Set(partialPrefixes),
    reached,
    reachedEvidence: compactList(reached, catalogue),
    reachedText: reached.length > 0 ? ` (${firstOf(reached, ', ')})` : '',
  };
}

/**
 * Prefixes as the evidence states them: as listed when they are at most half of `universe` (the
 * catalogue's prefixes, or those of them the list does not make eligible), else "*" (all of
 * `universe`) followed by "-prefix" for each one left out, then any listed prefix outside
 * `universe`. Short either way: the catalogue's ~450 prefixes are never copied into a finding.
 */
function compactList(listed: readonly string[], universe: readonly string[]): string[] {
  const inUniverse = new Set(universe);
  const known = listed.filter((service) => inUniverse.has(service));
  if (known.length * 2 <= universe.length) return [...listed];
  const present = new Set(listed);
  const left = universe.filter((service) => !present.has(service)).sort((a, b) => a.localeCompare(b));
  return ['*', ...left.map((service) => `-${service}`), ...listed.filter((service) => !inUniverse.has(service))];
}

/** The list's first source (for the built-in list, AWS's reference), as a finding names where its list comes from. */
function listSource(list: EligibleServicesList): string {
  const first = list.sources[0];
  if (!first) return 'no source given';
  return first.url ? `${first.title} <${first.url}>` : first.title;
}
