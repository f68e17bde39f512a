import type { Check } from '../checks/check.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { sourcesNeeded } from '../checks/sources-needed.js';
import { InputError } from '../errors.js';
import { loadExceptions } from '../exceptions.js';
import { loadEligibleServicesFile } from '../hipaa/eligible-services.js';
import type { OrganizationSource } from '../organization/collection.js';
import { demoOrganization } from '../organization/demo.js';
import { accountLine, runOrganization } from '../organization/run.js';
import { countsText } from '../organization/rollup.js';
import { checkOrganizationSaveFolder, collectOrganizationLive, isOrganizationFolder, readOrganizationFolder, saveOrganizationFolder } from '../organization/sources.js';
import { checkOutputFolder } from '../report/output-folder.js';
import { colourFor, printable } from '../report/terminal.js';
import { selectSource } from '../run.js';
import type { Settings } from '../settings.js';
import type { SourceFlags } from './options.js';
import { DEFAULT_CONCURRENCY, DEFAULT_ROLE_NAME, ORGANIZATION_ONLY, identityCenterSettings, passwordBaseline, type OrganizationFlags } from './options.js';
import { recordedFilters } from './filters.js';
import { setInterruptNote } from './interrupt.js';
import type { AuditCommandFlags } from './audit-command.js';
import type { RemediationSpec } from './remediation.js';

// `--organization` on every auditing subcommand and on `collect`: the flags become a request to
// runOrganization (src/organization/run.ts) over a live organization or a saved folder, and its
// result is printed here: a line per account as it finishes, then the totals.

const FLAG_NAMES: Record<(typeof ORGANIZATION_ONLY)[number], string> = {
  roleName: '--role-name',
  accounts: '--accounts',
  ou: '--ou',
  excludeAccounts: '--exclude-accounts',
  concurrency: '--concurrency',
};

/**
 * Refuses organization flags without --organization, and --organization with a source or flag it
 * cannot take, before anything is read. @throws InputError (exit 2), one line saying what to do
 */
export function checkOrganizationFlags(flags: SourceFlags & OrganizationFlags): void {
  const given = ORGANIZATION_ONLY.filter((name) => flags[name] !== undefined).map((name) => FLAG_NAMES[name]);
  if (!flags.organization) {
    if (given.length > 0) throw new InputError(`${given.join(', ')} ${given.length === 1 ? 'goes' : 'go'} with --organization (an organization-wide run); add --organization or drop ${given.length === 1 ? 'it' : 'them'}`);
    return;
  }
  if (flags.import) throw new InputError('--organization reads the organization live or from a folder saved by `collect --organization --save DIR` (--snapshot DIR); --import reads one account');
  if (flags.roleArn && flags.externalId) {
    throw new InputError('with --organization, --external-id is for each member account\'s --role-name role, so it cannot also serve --role-arn; put the caller\'s role in a --profile (role_arn, external_id) instead');
  }
  if (flags.snapshot && !isOrganizationFolder(flags.snapshot)) {
    throw new InputError(`with --organization, --snapshot takes a folder saved by \`hipaa-iam collect --organization --save DIR\`; ${flags.snapshot} is not a folder`);
  }
}

/** The organization as the flags name it: the saved folder, else live through the caller's credentials. */
async function organizationSource(flags: SourceFlags & OrganizationFlags, checks: readonly Check[] | null, by: string, progress: (message: string) => void): Promise<OrganizationSource> {
  if (flags.snapshot) return readOrganizationFolder(flags.snapshot);
  if (flags.demo) return demoOrganization();
  const selection = selectSource({ ...flags, externalId: undefined });
  if (selection.kind !== 'live') throw new InputError('--organization reads live AWS or a saved folder (--snapshot DIR)');
  return collectOrganizationLive({
    live: selection.live,
    roleName: flags.roleName ?? DEFAULT_ROLE_NAME,
    ...(flags.externalId ? { externalId: flags.externalId } : {}),
    ...(flags.accounts ? { accounts: flags.accounts } : {}),
    ...(flags.ou ? { ous: flags.ou } : {}),
    ...(flags.excludeAccounts ? { exclude: flags.excludeAccounts } : {}),
    concurrency: flags.concurrency ?? DEFAULT_CONCURRENCY,
    // A subcommand's run reads in each account only what its controls need; collect reads everything.
    ...(checks ? { needed: { sources: sourcesNeeded(checks, []), by } } : {}),
    progress,
  });
}

/**
 * An auditing subcommand with --organization. Returns the exit code: 0, 1 for failing findings
 * at --fail-on (IAM-039's FAIL included), 3 for an ERROR finding or an unreachable account.
 */
export async function runOrganizationCommand(command: string, checks: readonly Check[], flags: AuditCommandFlags & OrganizationFlags, remediation: RemediationSpec | undefined, progress: (message: string) => void): Promise<number> {
  const startedAt = new Date();
  checkOrganizationFlags(flags);
  // An organization run judges and records; it plans no change (a plan and its --apply are one account's).
  const asked = (['apply', 'enforce', 'enable', 'replaceBoundaries'] as const).filter((name) => flags[name] === true);
  if (remediation && asked.length > 0) throw new InputError(`${command}'s changes are made one account at a time; drop --organization to plan or apply them in an account`);
  const settings: Partial<Settings> = {
    ...(flags.eligibleServices ? { eligibleServices: loadEligibleServicesFile(flags.eligibleServices) } : {}),
    ...passwordBaseline(flags),
    ...identityCenterSettings(flags),
    ...(flags.policyArn ? { requiredPermissionsBoundaryArn: flags.policyArn } : {}),
  };
  const exceptions = flags.exceptions ? loadExceptions(flags.exceptions, ALL_CHECKS.map((c) => c.meta)) : undefined;
  // Before the organization is read (which may take long): evidence that could never be written is a usage error.
  checkOutputFolder(flags.out, `--out ${flags.out}`);
  const colour = colourFor(process.stdout);
  const forPeople = flags.json ? process.stderr : process.stdout;
  const say = (line: string) => {
    if (!flags.quiet) forPeople.write(`${line}\n`);
  };
  const source = await organizationSource(flags, checks, `${command}'s controls`, progress);
  say(`hipaa-iam ${command} --organization: ${source.facts.organization.id} (${printable(source.description)}): ${source.covered.length} account(s) selected, ${source.skipped.length} left out`);
  const result = await runOrganization({
    command,
    checks,
    source,
    startedAt,
    outDir: flags.out,
    outDirName: `--out ${flags.out}`,
    failOn: flags.failOn,
    settings,
    ...(exceptions ? { exceptions } : {}),
    ...(flags.format ? { formats: flags.format } : {}),
    colour,
    filters: recordedFilters(flags),
    onlyFailures: flags.onlyFailures,
    ...(flags.signWithKms ? { signWithKms: { keyId: flags.signWithKms, ...(flags.profile ? { profile: flags.profile } : {}) } } : {}),
    progress,
    onAccount: (account) => say(`  ${printable(accountLine(account))}`),
    onOutputNote: setInterruptNote,
  });
  if (flags.json) writeChunks(process.stdout, result.findingsDocument());
  if (!flags.quiet) {
    for (const warning of result.warnings) process.stderr.write(`hipaa-iam: warning: ${warning}\n`);
    const audited = result.run.audited;
    const unreachable = result.run.unreachable.length;
    say(`Total: ${audited} account(s) audited, ${unreachable} unreachable, ${result.run.skipped.length} left out; findings: ${countsText(result.rollup.totals)}`);
    say(`Evidence written to ${result.packageDir}`);
  }
  return result.exitCode;
}

/** `collect --organization --save DIR`: the organization saved as a folder, each account as it arrives; judges nothing. */
export async function collectOrganizationCommand(flags: SourceFlags & OrganizationFlags & { save: string }, progress: (message: string) => void): Promise<number> {
  checkOrganizationFlags(flags);
  if (flags.snapshot || flags.demo) throw new InputError('collect --organization reads live AWS; a saved organization, or the demo, is already collected');
  // Before anything is read: a save never overwrites or mixes with another.
  checkOrganizationSaveFolder(flags.save);
  checkOutputFolder(flags.save, `--save ${flags.save}`);
  const source = await organizationSource(flags, null, 'collect', progress);
  const saved = await saveOrganizationFolder(source, flags.save, progress);
  setInterruptNote(`the organization was saved in full to ${flags.save}`);
  process.stdout.write(`Organization ${source.facts.organization.id} saved to ${flags.save}: ${saved.collected} account(s) collected, ${saved.unreachable} unreachable, ${source.skipped.length} left out\n`);
  return 0;
}

function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): void {
  let pending: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    size += chunk.length;
    if (size >= 1 << 16) {
      stream.write(pending.join(''));
      pending = [];
      size = 0;
    }
  }
  if (size > 0) stream.write(pending.join(''));
}
