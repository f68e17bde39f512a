import type { EligibleServicesList } from '../../hipaa/eligible-services.js';
import { judgeRestriction, serviceRestrictionsOf, type RestrictionJudgement } from '../../hipaa/scp-restriction.js';
import type { OrganizationContext, OrganizationalUnit, TargetedScp } from '../../organization/facts.js';
import { asList, statementsOf } from '../../policy/document.js';

/**
 * IAM-022 for one account of an organization run, from the SCPs with their targets
 * (organizations:ListTargetsForPolicy). How AWS evaluates SCPs decides how strict this is:
 *
 * - The levels that govern an account are the root, each OU on its path, and the account itself;
 *   an SCP counts for the account only when one of its targets is one of those levels. An SCP
 *   attached elsewhere (another OU, another account) restricts nothing here, whatever it says.
 * - A Deny (the `Deny` + `NotAction` form) applies at whichever level it is attached: one such
 *   SCP anywhere on the path restricts the account.
 * - Allows are evaluated per level: an action must be allowed at every level, and at one level
 *   the Allows of the SCPs attached there add up (union). So an allow-list restricts the account
 *   when at some level every SCP attached there allows only listed services (FullAWSAccess, or
 *   any Allow of `*` or with NotAction, beside it at that level opens that level again); the
 *   account's services are then at most that level's union, whatever the other levels allow.
 *   The allow-list need not be present at every level for the restriction to hold (the other
 *   levels' FullAWSAccess cannot widen it); being present at every level is what the listed
 *   services need in order to work, which is not this control's question. We therefore judge
 *   each level's union as one allow-list restriction, as the SCP generator's split documents
 *   (src/hipaa/scp-allowlist.ts, attached together to one target) are meant to be read.
 * - A level with no SCP in the facts is recorded: AWS keeps at least one SCP on every root, OU
 *   and account, so none means the targets were not all read; such a level never restricts here.
 *
 * A restriction is judged against the eligible-services list as in the organization-wide
 * judgement (judgeRestriction); the account passes when one restriction that applies lets no
 * not-eligible service through (restrictions only narrow one another, so one clean suffices).
 */
export interface LevelRef {
  /** `the root Root (r-…)`, `OU PHI (ou-…)`, `this account (…)`: how evidence names where an SCP applies. */
  label: string;
  id: string;
  kind: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
}

export interface AccountRestriction {
  form: 'deny-not-action' | 'allow-list';
  /** The SCPs that form it (one for a Deny; the level's allowing SCPs for an allow-list). */
  scps: { name: string; id: string }[];
  sids: string[];
  /** Where it applies: "attached to OU PHI (ou-…)" for each level it is attached to. */
  through: string[];
  exemptions: string[];
  judgement: RestrictionJudgement;
}

export interface AccountScps {
  levels: LevelRef[];
  /** Each SCP attached to a level of the account's path, with the levels it is attached through. */
  applying: { scp: string; id: string; through: string[] }[];
  restrictions: AccountRestriction[];
  /** Levels none of whose SCPs restrict by allow-list (FullAWSAccess there, or no Allow), with why. */
  openLevels: { level: string; why: string }[];
  /** Levels with no SCP at all in the facts (targets not all read). */
  levelsWithoutScp: string[];
}

/** The root, the OUs on the path and the account, from the top down. */
export function levelsOf(organization: OrganizationContext): LevelRef[] {
  const { account } = organization;
  const ou = (unit: OrganizationalUnit): LevelRef =>
    unit.id.startsWith('r-') ? { label: `the root ${unit.name} (${unit.id})`, id: unit.id, kind: 'ROOT' } : { label: `OU ${unit.name} (${unit.id})`, id: unit.id, kind: 'ORGANIZATIONAL_UNIT' };
  return [...account.ouPath.map(ou), { label: `this account (${account.id})`, id: account.id, kind: 'ACCOUNT' }];
}

function attachedAt(scp: TargetedScp, level: LevelRef): boolean {
  return scp.targets.some((t) => t.targetId === level.id || (level.kind === 'ROOT' && t.type === 'ROOT'));
}

/** Every Allow of `*` (or `*:*`) or with NotAction: it lets every service through at its level. */
function allowsEverything(scp: TargetedScp): boolean {
  return statementsOf(scp.document).some((s) => s.Effect === 'Allow' && (s.NotAction !== undefined || asList(s.Action).some((a) => a.trim() === '*' || a.trim() === '*:*')));
}

/** The SCPs that apply to the account through its levels, and the restrictions they make there. */
export function accountScps(organization: OrganizationContext, scps: readonly TargetedScp[], list: EligibleServicesList): AccountScps {
  const levels = levelsOf(organization);
  const through = new Map<string, string[]>();
  for (const scp of scps) {
    const at = levels.filter((level) => attachedAt(scp, level)).map((level) => `attached to ${level.label}`);
    if (at.length > 0) through.set(scp.id, at);
  }
  const applying = scps.filter((scp) => through.has(scp.id));
  const restrictions: AccountRestriction[] = [];
  for (const scp of applying) {
    for (const restriction of serviceRestrictionsOf(scp.document).restrictions) {
      if (restriction.form !== 'deny-not-action') continue;
      const judgement = judgeRestriction(restriction.permitted, list);
      if (judgement.unrestricted) continue;
      restrictions.push({ form: 'deny-not-action', scps: [{ name: scp.name, id: scp.id }], sids: restriction.sids, through: through.get(scp.id) ?? [], exemptions: restriction.exemptions, judgement });
    }
  }
  const openLevels: { level: string; why: string }[] = [];
  const levelsWithoutScp: string[] = [];
  for (const level of levels) {
    const here = applying.filter((scp) => attachedAt(scp, level));
    if (here.length === 0) {
      levelsWithoutScp.push(level.label);
      continue;
    }
    const open = here.filter(allowsEverything);
    if (open.length > 0) {
      openLevels.push({ level: level.label, why: `${open.map((s) => `"${s.name}"`).join(', ')} allow${open.length === 1 ? 's' : ''} every action there` });
      continue;
    }
    const allowing = here.flatMap((scp) => {
      const allows = statementsOf(scp.document).filter((s) => s.Effect === 'Allow');
      return allows.length > 0 ? [{ scp, allows }] : [];
    });
    if (allowing.length === 0) {
      openLevels.push({ level: level.label, why: 'no SCP attached there allows anything (an allow-list must be attached with it)' });
      continue;
    }
    const permitted = allowing.flatMap(({ allows }) => allows.flatMap((s) => asList(s.Action)));
    const judgement = judgeRestriction(permitted, list);
    if (judgement.unrestricted) {
      openLevels.push({ level: level.label, why: 'its Allows let every service through' });
      continue;
    }
    restrictions.push({
      form: 'allow-list',
      scps: allowing.map(({ scp }) => ({ name: scp.name, id: scp.id })),
      sids: allowing.flatMap(({ allows }) => allows.map((s) => s.Sid ?? '')),
      through: [`attached to ${level.label}`],
      exemptions: [],
      judgement,
    });
  }
  return { levels, applying: applying.map((scp) => ({ scp: scp.name, id: scp.id, through: through.get(scp.id) ?? [] })), restrictions, openLevels, levelsWithoutScp };
}
