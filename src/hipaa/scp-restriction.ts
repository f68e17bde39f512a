import { asList, statementsOf } from '../policy/document.js';
import type { PolicyDocument, PolicyStatement } from '../snapshot/schema.js';
import { indexEligibleServices, type EligibleServicesList } from './eligible-services.js';
import { IAM_SERVICE_PREFIXES, isIamServicePrefix } from './iam-service-prefixes.js';

/**
 * Reads a service control policy as a restriction to a set of services. Two forms restrict:
 *
 * - deny-not-action: `Deny` + `NotAction: [...]` on every resource. Everything outside the list is
 *   denied wherever the SCP is attached, whatever else is attached (the reference SCP's form).
 * - allow-list: `Allow` + `Action: [...]` without `*`. It restricts only where it replaces
 *   FullAWSAccess: at one level of the OU path the Allows of the attached SCPs add up, so an
 *   allow-list beside FullAWSAccess restricts nothing there.
 *
 * A conditional Deny counts only when its condition merely exempts named principals (a break-glass
 * role through aws:PrincipalArn or aws:PrincipalTag); any other condition (a Region, a tag on the
 * request) leaves the services open whenever it does not hold, so the statement is not counted.
 */
export type RestrictionForm = 'deny-not-action' | 'allow-list';

export interface ServiceRestriction {
  form: RestrictionForm;
  /** Sids of the statements that form it (empty strings for statements without one). */
  sids: string[];
  /** The action patterns it lets through, as written. */
  permitted: string[];
  /** Deny form: principals its condition exempts, as "Operator key values". */
  exemptions: string[];
}

export interface DocumentRestrictions {
  restrictions: ServiceRestriction[];
  /** Why the document, or a statement that looked like a restriction, does not restrict. */
  notCounted: string[];
}

const EXEMPTION_OPERATOR = /^(ArnNotLike|ArnNotEquals|StringNotLike|StringNotEquals)(IfExists)?$/i;

function isExemptionKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower === 'aws:principalarn' || lower.startsWith('aws:principaltag/');
}

function label(statement: PolicyStatement, i: number): string {
  return statement.Sid ? `statement ${statement.Sid}` : `statement ${i + 1}`;
}

/** "Operator key values" for each condition entry, or null when one of them is not a principal exemption. */
function principalExemptions(condition: NonNullable<PolicyStatement['Condition']>): string[] | null {
  const exemptions: string[] = [];
  for (const [operator, entries] of Object.entries(condition)) {
    for (const [key, value] of Object.entries(entries)) {
      if (!EXEMPTION_OPERATOR.test(operator) || !isExemptionKey(key)) return null;
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      exemptions.push(`${operator} ${key} ${values.join(', ')}`);
    }
  }
  return exemptions;
}

function coversAllResources(statement: PolicyStatement): boolean {
  if (statement.NotResource !== undefined) return false;
  const resources = asList(statement.Resource);
  return resources.length === 0 || resources.includes('*');
}

/** The service restrictions a document holds, and why anything that looked like one is not counted. */
export function serviceRestrictionsOf(document: PolicyDocument): DocumentRestrictions {
  const statements = statementsOf(document);
  const restrictions: ServiceRestriction[] = [];
  const notCounted: string[] = [];

  statements.forEach((statement, i) => {
    if (statement.Effect !== 'Deny' || statement.NotAction === undefined) return;
    const where = label(statement, i);
    if (!coversAllResources(statement)) {
      notCounted.push(`${where}: its Deny with NotAction covers only some resources`);
      return;
    }
    let exemptions: string[] = [];
    if (statement.Condition !== undefined && Object.keys(statement.Condition).length > 0) {
      const found = principalExemptions(statement.Condition);
      if (found === null) {
        notCounted.push(`${where}: its Deny with NotAction applies only while its condition holds (${JSON.stringify(statement.Condition)})`);
        return;
      }
      exemptions = found;
    }
    restrictions.push({ form: 'deny-not-action', sids: [statement.Sid ?? ''], permitted: asList(statement.NotAction), exemptions });
  });

  const allows = statements.filter((s) => s.Effect === 'Allow');
  const broad = allows.find((s) => s.NotAction !== undefined || asList(s.Action).some((a) => a.trim() === '*' || a.trim() === '*:*'));
  if (broad) {
    // Beside a Deny that restricts (FullAWSAccess and the Deny in one document), the Allow is moot.
    if (restrictions.length === 0) notCounted.push(broad.NotAction !== undefined ? 'it allows every action but those in NotAction' : 'it allows every action (the FullAWSAccess form)');
  } else if (allows.length > 0) {
    restrictions.push({ form: 'allow-list', sids: allows.map((s) => s.Sid ?? ''), permitted: allows.flatMap((s) => asList(s.Action)), exemptions: [] });
  }

  if (restrictions.length === 0 && notCounted.length === 0) {
    notCounted.push('it only denies the actions it names; every other service stays allowed');
  }
  return { restrictions, notCounted };
}

export interface PartialPrefix {
  prefix: string;
  services: string[];
  caveats: string[];
}

export interface RestrictionJudgement {
  /** A pattern such as `*` or `*:*` lets every service through: no restriction at all. */
  unrestricted: boolean;
  /** Prefixes it lets through that the list does not name as eligible or control plane. */
  notEligible: string[];
  /** Prefixes it lets through that are eligible only in part: for review, with caveats. */
  partial: PartialPrefix[];
  eligible: string[];
  controlPlane: string[];
  /** Patterns whose prefix names no IAM service in the catalogue: they let nothing through. */
  notIamPrefixes: string[];
  /** Patterns that are not `service:action`. */
  malformed: string[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Which services a restriction lets through, judged against the eligible-services list. */
export function judgeRestriction(permitted: readonly string[], list: EligibleServicesList): RestrictionJudgement {
  const index = indexEligibleServices(list);
  const universe = [...new Set([...IAM_SERVICE_PREFIXES, ...index.servicePrefixes, ...index.controlPlanePrefixes])];
  const prefixes = new Set<string>();
  const judgement: RestrictionJudgement = { unrestricted: false, notEligible: [], partial: [], eligible: [], controlPlane: [], notIamPrefixes: [], malformed: [] };

  for (const raw of permitted) {
    const pattern = raw.trim();
    if (pattern === '*') {
      judgement.unrestricted = true;
      continue;
    }
    const colon = pattern.indexOf(':');
    if (colon <= 0) {
      judgement.malformed.push(pattern);
      continue;
    }
    const prefixPart = pattern.slice(0, colon).toLowerCase();
    if (/^[*?]*$/.test(prefixPart) && prefixPart.includes('*')) {
      judgement.unrestricted = true;
      continue;
    }
    if (/[*?]/.test(prefixPart)) {
      const re = globToRegExp(prefixPart);
      const matched = universe.filter((p) => re.test(p));
      if (matched.length === 0) judgement.notIamPrefixes.push(pattern);
      for (const prefix of matched) prefixes.add(prefix);
      continue;
    }
    const known = index.classify(prefixPart).status !== 'not-eligible' || isIamServicePrefix(prefixPart);
    if (known) prefixes.add(prefixPart);
    else judgement.notIamPrefixes.push(pattern);
  }

  for (const prefix of [...prefixes].sort()) {
    const verdict = index.classify(prefix);
    if (verdict.status === 'eligible') judgement.eligible.push(prefix);
    else if (verdict.status === 'control-plane') judgement.controlPlane.push(prefix);
    else if (verdict.status === 'partial') judgement.partial.push({ prefix, services: verdict.services, caveats: verdict.caveats });
    else judgement.notEligible.push(prefix);
  }
  return judgement;
}
