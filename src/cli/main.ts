import { sourcePartErrors } from '../snapshot/part-errors.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CollectionError, EvidenceWriteError, InputError, errorMessage } from '../errors.js';
import { ACCOUNT_ID, isReadFailure, TOOL } from '../snapshot/build.js';
import { EXPORT_SCRIPT_PATH } from '../snapshot/import-files.js';
import { obtainSnapshot } from '../snapshot/obtain.js';
import { showRiskRegister } from '../report/register-command.js';
import { printable } from '../report/terminal.js';
import { withoutUrlCredentials } from '../url-credentials.js';
import { installInterruptHandlers, setInterruptNote } from './interrupt.js';
import { checkSaveFile, saveFile } from './output-folder.js';
import { organizationOptions, sourceOptions, type OrganizationFlags, type SourceFlags } from './options.js';
import { checkOrganizationFlags, collectOrganizationCommand } from './organization-command.js';
import { scpCommand } from './scp-command.js';
import { AUDIT_COMMANDS } from './commands.js';
import { auditCommand, progressReporter, selectSource } from './audit-command.js';
import { verifyCommand } from './verify-command.js';
import { controlsCommand, listControlsAlias, listControlsOption, refuseListControlsWithCommand } from './controls-command.js';

export function buildProgram(): Command {
  const program = new Command('hipaa-iam')
    .description('Audit AWS IAM against the HIPAA Security Rule (45 CFR 164.308, 164.312) and keep the evidence.')
    .version(TOOL.version)
    .showHelpAfterError(false)
    .addHelpText(
      'after',
      `
Sources (pick one; live AWS is the default):
  live AWS     the SDK's credential chain, or --profile (its region and endpoint_url too), --region, --role-arn;
               AWS_PROFILE and AWS_ENDPOINT_URL are honoured
  --snapshot   a file written by \`hipaa-iam collect --save FILE\`
  --import     a folder of AWS CLI exports (hipaa-iam export-script prints the script that makes it)
  --demo       the embedded demo account

Exit codes: 0 no failing finding at or above --fail-on; 1 failing findings;
            2 usage or input error (nothing written); 3 the run could not complete,
            has ERROR findings, or a change of --apply failed; 130 interrupted by
            Ctrl-C (SIGINT), 143 by SIGTERM: one line says what was written (nothing,
            unless the run had finished writing its evidence).

Colour: only on a terminal; NO_COLOR=1 turns it off; FORCE_COLOR=1 (2, 3) turns it on
        even into a pipe and wins over NO_COLOR; FORCE_COLOR=0 turns it off.

Examples:
  hipaa-iam audit --demo
  hipaa-iam audit --profile prod-readonly --out /srv/evidence
  hipaa-iam mfa-audit --import ./client-exports
  hipaa-iam controls                      every control: risk id, control id, severity, HIPAA, sources
  hipaa-iam least-privilege --severity critical,high --only-failures
  hipaa-iam audit --json | jq .findings[0].controlId    findings on stdout, nothing else
  hipaa-iam collect --role-arn arn:aws:iam::123456789012:role/Auditor --save snapshot.json
  hipaa-iam mfa-audit --enforce           print the changes that would enforce MFA; change nothing
  hipaa-iam mfa-audit --enforce --apply   make them, logging each to remediation-log.csv
  hipaa-iam scp --save hipaa-scp.json     the SCP that allows only HIPAA-eligible services
  hipaa-iam audit --demo --organization   the demo organization: three member accounts, one package
  hipaa-iam audit --organization --concurrency 16    every ACTIVE member account, one package
  hipaa-iam collect --organization --save org-snap/  then: hipaa-iam audit --organization --snapshot org-snap/`,
    );

  for (const spec of AUDIT_COMMANDS) program.addCommand(auditCommand(spec.name, spec.description, spec.checks, spec.remediation));

  program.addCommand(scpCommand());

  const collect = new Command('collect').description('collect every source once into a snapshot file; judge nothing');
  for (const option of [...sourceOptions(), ...organizationOptions()]) collect.addOption(option);
  collect.requiredOption('--save <file>', 'where to write the snapshot (JSON); with --organization, a new or empty folder');
  collect.action(async (flags: SourceFlags & OrganizationFlags & { save: string }) => {
    checkOrganizationFlags(flags);
    if (flags.organization) {
      process.exitCode = await collectOrganizationCommand(flags, progressReporter());
      return;
    }
    checkSaveFile(flags.save, `--save ${flags.save}`);
    const snapshot = await obtainSnapshot(selectSource(flags), progressReporter());
    saveFile(flags.save, `${JSON.stringify(snapshot, null, 2)}\n`);
    setInterruptNote(`the snapshot was written in full to ${flags.save}`);
    const failed = Object.entries(snapshot.sources).filter(([name, s]) => s.status === 'error' && isReadFailure(name, s.error.code)).map(([name]) => name);
    const parts = sourcePartErrors(snapshot).map((e) => `${e.source} ${e.part}`);
    const problems = [...(failed.length ? [`sources with errors: ${failed.join(', ')}`] : []), ...(parts.length ? [`parts with errors: ${parts.join('; ')}`] : [])];
    process.stdout.write(`Snapshot of account ${snapshot.accountId} written to ${flags.save}${problems.length ? ` (${problems.join('; ')})` : ''}\n`);
  });
  program.addCommand(collect);

  program.addCommand(
    new Command('risk-register')
      .description('show the living risk register of an account (rebuilding it from the archive of runs if it is lost)')
      .addOption(new Option('--out <dir>', 'evidence folder the runs were written to').default('reports'))
      .addOption(new Option('--account <id>', 'account id (default: the only account in --out)').argParser(accountIdArgument))
      .addOption(new Option('--csv', 'print the register as CSV, as it is written (default: a table)').conflicts('json'))
      .addOption(new Option('--json', 'print the register rows as JSON'))
      .action((flags: { out: string; account?: string; csv?: boolean; json?: boolean }) => {
        process.stdout.write(showRiskRegister(flags.out, flags.account, flags.json ? 'json' : flags.csv ? 'csv' : 'table'));
      }),
  );
  program.addCommand(verifyCommand());
  program.addCommand(
    new Command('export-script')
      .description('print the shell script that exports, with the AWS CLI, everything --import reads (examples/export-account.sh)')
      .action(() => {
        process.stdout.write(readFileSync(EXPORT_SCRIPT_PATH, 'utf8'));
      }),
  );
  program.addCommand(controlsCommand());
  program.addOption(listControlsOption());
  refuseListControlsWithCommand(program);

  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      // One line per error, suggestion included, so a cron mail or a log stays readable.
      outputError: (text, write) => write(`hipaa-iam: ${oneLine(text.trim())}\n`),
    });
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    process.exitCode = 0;
    installInterruptHandlers();
    ignoreClosedReader();
    if (hasOutputFlag(argv.slice(2))) {
      process.stderr.write(`${OUTPUT_FLAG_HINT}\n`);
      return 2;
    }
    await buildProgram().parseAsync(listControlsAlias(argv));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      return ok ? 0 : 2;
    }
    if (error instanceof InputError || error instanceof CollectionError || error instanceof EvidenceWriteError) {
      process.stderr.write(`hipaa-iam: ${oneLine(error.message)}\n`);
      return error.exitCode;
    }
    process.stderr.write(`hipaa-iam: the run could not complete: ${oneLine(errorMessage(error))}\n`);
    if (process.env.HIPAA_IAM_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return 3;
  }
}

/**
 * `hipaa-iam controls | head` or `audit --json | head -c 100` closes the pipe before all is
 * written: the reader chose to stop, which is no failure of the run (its evidence is written and
 * its exit code stands), so EPIPE is not an uncaught error with a stack trace.
 */
function ignoreClosedReader(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

/** What reaches stderr: one line (a cron mail stays readable), without credentials a URL in it carried or control characters. */
function oneLine(text: string): string {
  return printable(withoutUrlCredentials(text).replace(/\s*[\r\n]+\s*/g, ' '));
}

/**
 * `--output` is what AWS CLI and Prowler users type for a format (and Prowler for a folder);
 * commander would only say "unknown option" and suggest --out, a folder. Caught before
 * parsing, for every command, so the line points to both.
 */
const OUTPUT_FLAG_HINT = 'hipaa-iam has no --output: use --json for the findings on stdout, --format csv,json,html for the evidence files, --out DIR for the folder';

function hasOutputFlag(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--output' || arg.startsWith('--output=')) return true;
  }
  return false;
}

/** The account folder's name: 12 digits, or it could name a path outside --out. */
function accountIdArgument(value: string): string {
  if (!ACCOUNT_ID.test(value)) throw new InvalidArgumentError('an AWS account id is 12 digits');
  return value;
}

process.exitCode = await main(process.argv);
