import { Command, Option } from 'commander';
import { readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { audit } from '../audit.js';
import type { Check } from '../checks/check.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { sourcesNeeded } from '../checks/sources-needed.js';
import { createAwsClients } from '../collect/aws-clients.js';
import { CollectionError, InputError, errorMessage } from '../errors.js';
import { loadExceptions } from '../exceptions.js';
import { loadEligibleServicesFile } from '../hipaa/eligible-services.js';
import { applyPlan, type ChangeOutcome } from '../remediate/apply.js';
import type { RemediationPlan } from '../remediate/plan.js';
import { REMEDIATION_LOG, REMEDIATION_PLAN, remediationLogCsv, remediationPlanCsv, remediationSummary, remediationText } from '../report/remediation-log.js';
import { writeFileAtomically } from '../report/evidence-writer.js';
import { kmsSigner, type ManifestSigner } from '../report/kms.js';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../report/manifest.js';
import { colourFor, printable } from '../report/terminal.js';
import { DEFAULT_SETTINGS, type Settings } from '../settings.js';
import { obtainSnapshot, type SourceSelection } from '../snapshot/obtain.js';
import { filterOptions, recordedFilters, selectControls, type ControlFilterFlags } from './filters.js';
import { setInterruptNote } from './interrupt.js';
import { checkOutputFolder } from './output-folder.js';
import { outputOptions, passwordBaseline, settingsOptions, sourceOptions, type OutputFlags, type SettingsFlags, type SourceFlags } from './options.js';
import type { RemediationFlags, RemediationSpec } from './remediation.js';
import { stdoutOptions, type StdoutFlags } from './stdout-options.js';

/** How an auditing subcommand runs: collect, plan and apply its remediation if any, judge, write evidence. */
export function selectSource(flags: SourceFlags): SourceSelection {
  // Only an import needs dating: a live run, a snapshot and the demo carry when they were collected.
  if (flags.asOf && !flags.import) throw new InputError('--as-of dates an import of AWS CLI exports (--import DIR); a live run, a snapshot and the demo are dated by their collection');
  if (flags.snapshot) return { kind: 'snapshot', path: flags.snapshot };
  if (flags.import) return { kind: 'import', dir: flags.import, ...(flags.asOf ? { asOf: flags.asOf } : {}) };
  if (flags.demo) return { kind: 'demo' };
  const timeouts = { ...(flags.connectTimeout ? { connectMs: flags.connectTimeout } : {}), ...(flags.requestTimeout ? { requestMs: flags.requestTimeout } : {}) };
  return { kind: 'live', live: { profile: flags.profile, region: flags.region, roleArn: flags.roleArn, externalId: flags.externalId, regions: flags.regions, timeouts } };
}

export function progressReporter(): (message: string) => void {
  // Progress is for people watching; a cron job's stderr stays quiet.
  return process.stderr.isTTY ? (message) => process.stderr.write(`  ${message}\n`) : () => {};
}

export async function runAuditCommand(command: string, checks: readonly Check[], flags: AuditCommandFlags, remediation?: RemediationSpec): Promise<number> {
  const startedAt = new Date();
  const source = selectSource(flags);
  const plans = remediation?.plans(flags) === true;
  if (flags.apply && source.kind !== 'live') throw new InputError('--apply changes a live account; it cannot be used with --demo, --snapshot or --import');
  // Read before collecting, so a bad list fails fast without touching AWS.
  const settings: Partial<Settings> = {
    ...(flags.eligibleServices ? { eligibleServices: loadEligibleServicesFile(flags.eligibleServices) } : {}),
    ...passwordBaseline(flags),
    ...(flags.policyArn ? { requiredPermissionsBoundaryArn: flags.policyArn } : {}),
  };
  const exceptions = flags.exceptions ? loadExceptions(flags.exceptions, ALL_CHECKS.map((c) => c.meta)) : undefined;
  // Before collecting (which may take minutes): evidence that could never be written is a usage error.
  checkOutputFolder(flags.out, `--out ${flags.out}`);
  const progress = flags.quiet ? () => {} : progressReporter();
  // The key is checked before collecting, so a key that cannot sign fails fast (exit 2).
  const signer = flags.signWithKms ? await kmsSigner(flags.signWithKms, flags.profile) : undefined;
  const colour = colourFor(process.stdout);
  // A live run reads only what the checks it runs (and the plan it makes) need; `collect` reads everything.
  const needed = { sources: sourcesNeeded(checks, remediation && plans ? remediation.sources : []), by: `${command}'s controls` };
  let snapshot = await obtainSnapshot(source, progress, needed);

  let remediationReport = '';
  let readAgain = false;
  let remediated: RemediationOutcome | undefined;
  if (remediation && plans) {
    const plan = remediation.plan(snapshot, { ...DEFAULT_SETTINGS, ...settings }, flags);
    if (flags.apply && source.kind === 'live') {
      setInterruptNote('changes of --apply may already have been made to the account, and nothing was written for this run: rerun to see and record the account as it is');
      const outcomes = await applyPlan(plan, await createAwsClients(source.live), () => new Date(), progress);
      // The evidence records the account as the changes left it, so it is read again.
      if (outcomes.some((o) => o.result === 'applied')) {
        progress('reading the account again, to record it as the changes left it…');
        snapshot = await obtainSnapshot(source, progress, needed);
        readAgain = true;
      }
      remediated = { plan, outcomes, file: REMEDIATION_LOG, csv: remediationLogCsv(outcomes) };
    } else {
      remediated = { plan, outcomes: null, file: REMEDIATION_PLAN, csv: remediationPlanCsv(plan, startedAt) };
    }
    remediationReport = remediationText(plan, remediated.outcomes, colour);
  }

  const result = audit({
    command,
    checks,
    snapshot,
    startedAt,
    outDir: flags.out,
    failOn: flags.failOn,
    settings,
    ...(exceptions ? { exceptions } : {}),
    formats: flags.format,
    colour,
    filters: recordedFilters(flags),
    onlyFailures: flags.onlyFailures,
    ...(remediated ? { extraFiles: { [remediated.file]: remediated.csv }, remediation: remediationSummary(remediated.plan, remediated.outcomes) } : {}),
  });
  setInterruptNote(`the run's evidence was written in full to ${result.runDir}${signer ? ', but its manifest is not signed' : ''}`);
  if (signer) await signRun(result.runDir, signer);
  // --json: stdout is the findings document alone, for `| jq`; what a person reads moves to stderr.
  if (flags.json) writeChunks(process.stdout, result.findingsDocument());
  const forPeople = flags.json ? process.stderr : process.stdout;
  setInterruptNote(`the run's evidence was written in full to ${result.runDir}`);
  if (!flags.quiet) {
    for (const warning of result.warnings) process.stderr.write(`hipaa-iam: warning: ${warning}\n`);
    const when = readAgain ? ', read again after the changes' : '';
    forPeople.write(`hipaa-iam ${command}: account ${snapshot.accountId} (${printable(snapshot.origin.description)}${when})\n`);
    if (!flags.json) forPeople.write(result.summary);
    forPeople.write(remediationReport);
    forPeople.write(`Evidence written to ${result.runDir}\n`);
  }
  const remediationFailed = remediated !== undefined && (remediated.plan.blocked.length > 0 || (remediated.outcomes ?? []).some((o) => o.result === 'failed' || o.result === 'skipped'));
  return remediationFailed ? 3 : result.exitCode;
}

/**
 * Writes manifest.sig.json into a written run folder. It is written beside the account's runs
 * under a hidden `.partial` name first, then renamed in, so a run reading the archive meanwhile
 * never sees a half-written or unexpected file in the folder. The run is written by then: a
 * failure is exit 3 naming the folder, never 2.
 */
async function signRun(runDir: string, signer: ManifestSigner): Promise<void> {
  const temporary = join(dirname(runDir), `.${basename(runDir)}.sig.${process.pid}.partial`);
  try {
    const signature = await signer(readFileSync(join(runDir, MANIFEST_FILE)));
    writeFileAtomically(temporary, `${JSON.stringify(signature, null, 2)}\n`);
    renameSync(temporary, join(runDir, SIGNATURE_FILE));
  } catch (error) {
    throw new CollectionError(`the run's evidence is in ${runDir}, but its manifest could not be signed (${errorMessage(error)}); it is unsigned`);
  }
}

interface RemediationOutcome {
  plan: RemediationPlan;
  outcomes: ChangeOutcome[] | null;
  file: string;
  csv: string;
}

export type AuditCommandFlags = SourceFlags & OutputFlags & SettingsFlags & RemediationFlags & ControlFilterFlags & StdoutFlags & { signWithKms?: string };

export function auditCommand(name: string, description: string, checks: readonly Check[], remediation?: RemediationSpec): Command {
  const command = new Command(name).description(description);
  for (const option of [...sourceOptions(), ...outputOptions(), ...settingsOptions(name), ...(remediation?.options ?? []), signOption(), ...filterOptions(), ...stdoutOptions()]) command.addOption(option);
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
