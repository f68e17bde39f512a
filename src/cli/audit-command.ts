import { Command, Option } from 'commander';
import type { Check } from '../checks/check.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { loadExceptions } from '../exceptions.js';
import { loadEligibleServicesFile } from '../hipaa/eligible-services.js';
import { remediationText } from '../report/remediation-log.js';
import { colourFor, printable } from '../report/terminal.js';
import { run, selectSource } from '../run.js';
import type { Settings } from '../settings.js';
import { filterOptions, recordedFilters, selectControls, type ControlFilterFlags } from './filters.js';
import { setInterruptNote } from './interrupt.js';
import { organizationOptions, outputOptions, identityCenterSettings, passwordBaseline, settingsOptions, sourceOptions, type OrganizationFlags, type OutputFlags, type SettingsFlags, type SourceFlags } from './options.js';
import { checkOrganizationFlags, runOrganizationCommand } from './organization-command.js';
import type { RemediationFlags, RemediationSpec } from './remediation.js';
import { stdoutOptions, type StdoutFlags } from './stdout-options.js';

export { selectSource } from '../run.js';

export function progressReporter(): (message: string) => void {
  // Progress is for people watching; a cron job's stderr stays quiet.
  return process.stderr.isTTY ? (message) => process.stderr.write(`  ${message}\n`) : () => {};
}

/**
 * How an auditing subcommand runs: its flags become a request to the core run() (src/run.ts:
 * collect, plan and apply its remediation if any, judge, write evidence, sign), whose result is
 * printed here. Returns the exit code.
 */
export async function runAuditCommand(command: string, checks: readonly Check[], flags: AuditCommandFlags, remediation?: RemediationSpec): Promise<number> {
  checkOrganizationFlags(flags);
  if (flags.organization) return runOrganizationCommand(command, checks, flags, remediation, flags.quiet ? () => {} : progressReporter());
  const startedAt = new Date();
  const source = selectSource(flags);
  const plans = remediation?.plans(flags) === true;
  // Read before collecting, so a bad list fails fast without touching AWS.
  const settings: Partial<Settings> = {
    ...(flags.eligibleServices ? { eligibleServices: loadEligibleServicesFile(flags.eligibleServices) } : {}),
    ...passwordBaseline(flags),
    ...identityCenterSettings(flags),
    ...(flags.policyArn ? { requiredPermissionsBoundaryArn: flags.policyArn } : {}),
  };
  const exceptions = flags.exceptions ? loadExceptions(flags.exceptions, ALL_CHECKS.map((c) => c.meta)) : undefined;
  const colour = colourFor(process.stdout);
  const result = await run({
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
    ...(remediation && plans ? { remediation: { plan: (snapshot, all) => remediation.plan(snapshot, all, flags), sources: remediation.sources, apply: flags.apply === true } } : {}),
    ...(flags.signWithKms ? { signWithKms: { keyId: flags.signWithKms, ...(flags.profile ? { profile: flags.profile } : {}) } } : {}),
    progress: flags.quiet ? () => {} : progressReporter(),
    onOutputNote: setInterruptNote,
  });
  // --json: stdout is the findings document alone, for `| jq`; what a person reads moves to stderr.
  if (flags.json) writeChunks(process.stdout, result.findingsDocument());
  const forPeople = flags.json ? process.stderr : process.stdout;
  if (!flags.quiet) {
    for (const warning of result.warnings) process.stderr.write(`hipaa-iam: warning: ${warning}\n`);
    const when = result.readAgain ? ', read again after the changes' : '';
    forPeople.write(`hipaa-iam ${command}: account ${result.snapshot.accountId} (${printable(result.snapshot.origin.description)}${when})\n`);
    if (!flags.json) forPeople.write(result.summary);
    if (result.remediation) forPeople.write(remediationText(result.remediation.plan, result.remediation.outcomes, colour));
    forPeople.write(`Evidence written to ${result.runDir}\n`);
  }
  return result.exitCode;
}

export type AuditCommandFlags = SourceFlags & OutputFlags & SettingsFlags & RemediationFlags & ControlFilterFlags & StdoutFlags & OrganizationFlags & { signWithKms?: string };

export function auditCommand(name: string, description: string, checks: readonly Check[], remediation?: RemediationSpec): Command {
  const command = new Command(name).description(description);
  for (const option of [...sourceOptions(), ...organizationOptions(), ...outputOptions(), ...settingsOptions(name), ...(remediation?.options ?? []), signOption(), ...filterOptions(), ...stdoutOptions()]) command.addOption(option);
  return command.action(async (flags: AuditCommandFlags) => {
    // Narrowed before the run, so collection reads only what the kept controls need.
    process.exitCode = await runAuditCommand(name, selectControls(name, checks, flags).checks, flags, remediation);
  });
}

function signOption(): Option {
  return new Option('--sign-with-kms <key-id>', "sign the run's manifest.json with this asymmetric AWS KMS key (KMS Sign; ECC_NIST_P256 or RSA, KeyUsage SIGN_VERIFY), writing manifest.sig.json beside it");
}

/** Writes text chunks gathered to about 64 KiB a write, so a large document is never one string and costs few writes. */
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
