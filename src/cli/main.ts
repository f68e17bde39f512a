import { Command, CommanderError, Option } from 'commander';
import { audit } from '../audit.js';
import type { Check } from '../checks/check.js';
import { ALL_CHECKS, checksForGroup } from '../checks/registry.js';
import { CollectionError, InputError, errorMessage } from '../errors.js';
import { writeFileAtomically } from '../report/evidence-writer.js';
import { colourFor } from '../report/terminal.js';
import { TOOL } from '../snapshot/build.js';
import { obtainSnapshot, type SourceSelection } from '../snapshot/obtain.js';
import { loadEligibleServicesFile } from '../hipaa/eligible-services.js';
import { loadExceptions } from '../exceptions.js';
import { verifyRunFolder } from '../report/verify.js';
import { showRiskRegister } from '../report/register-command.js';
import { outputOptions, passwordBaseline, settingsOptions, sourceOptions, type OutputFlags, type SettingsFlags, type SourceFlags } from './options.js';
import { scpCommand } from './scp-command.js';
import { REMEDIATION, type RemediationFlags, type RemediationSpec } from './remediation.js';
import { createAwsClients } from '../collect/aws-clients.js';
import { applyPlan, type ChangeOutcome } from '../remediate/apply.js';
import type { RemediationPlan } from '../remediate/plan.js';
import { REMEDIATION_LOG, REMEDIATION_PLAN, remediationLogCsv, remediationPlanCsv, remediationSummary, remediationText } from '../report/remediation-log.js';
import { DEFAULT_SETTINGS, type Settings } from '../settings.js';

function selectSource(flags: SourceFlags): SourceSelection {
  if (flags.snapshot) return { kind: 'snapshot', path: flags.snapshot };
  if (flags.import) return { kind: 'import', dir: flags.import };
  if (flags.demo) return { kind: 'demo' };
  return { kind: 'live', live: { profile: flags.profile, region: flags.region, roleArn: flags.roleArn, externalId: flags.externalId, regions: flags.regions } };
}

function progressReporter(): (message: string) => void {
  // Progress is for people watching; a cron job's stderr stays quiet.
  return process.stderr.isTTY ? (message) => process.stderr.write(`  ${message}\n`) : () => {};
}

async function runAuditCommand(command: string, checks: readonly Check[], flags: AuditCommandFlags, remediation?: RemediationSpec): Promise<number> {
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
  const exceptions = flags.exceptions ? loadExceptions(flags.exceptions, new Set(ALL_CHECKS.map((c) => c.meta.controlId))) : [];
  const progress = flags.quiet ? () => {} : progressReporter();
  const colour = colourFor(process.stdout);
  let snapshot = await obtainSnapshot(source, progress);

  let remediationReport = '';
  let readAgain = false;
  let remediated: RemediationOutcome | undefined;
  if (remediation && plans) {
    const plan = remediation.plan(snapshot, { ...DEFAULT_SETTINGS, ...settings }, flags);
    if (flags.apply && source.kind === 'live') {
      const outcomes = await applyPlan(plan, createAwsClients(source.live), () => new Date(), progress);
      // The evidence records the account as the changes left it, so it is read again.
      if (outcomes.some((o) => o.result === 'applied')) {
        progress('reading the account again, to record it as the changes left it…');
        snapshot = await obtainSnapshot(source, progress);
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
    exceptions,
    formats: flags.format,
    colour,
    ...(remediated ? { extraFiles: { [remediated.file]: remediated.csv }, remediation: remediationSummary(remediated.plan, remediated.outcomes) } : {}),
  });
  if (!flags.quiet) {
    const when = readAgain ? ', read again after the changes' : '';
    process.stdout.write(`hipaa-iam ${command}: account ${snapshot.accountId} (${snapshot.origin.description}${when})\n`);
    process.stdout.write(result.summary);
    process.stdout.write(remediationReport);
    process.stdout.write(`Evidence written to ${result.runDir}\n`);
  }
  const remediationFailed = remediated !== undefined && (remediated.plan.blocked.length > 0 || (remediated.outcomes ?? []).some((o) => o.result === 'failed' || o.result === 'skipped'));
  return remediationFailed ? 3 : result.exitCode;
}

interface RemediationOutcome {
  plan: RemediationPlan;
  outcomes: ChangeOutcome[] | null;
  file: string;
  csv: string;
}

type AuditCommandFlags = SourceFlags & OutputFlags & SettingsFlags & RemediationFlags;

function auditCommand(name: string, description: string, checks: readonly Check[], remediation?: RemediationSpec): Command {
  const command = new Command(name).description(description);
  for (const option of [...sourceOptions(), ...outputOptions(), ...settingsOptions(name), ...(remediation?.options ?? [])]) command.addOption(option);
  return command.action(async (flags: AuditCommandFlags) => {
    process.exitCode = await runAuditCommand(name, checks, flags, remediation);
  });
}

export function buildProgram(): Command {
  const program = new Command('hipaa-iam')
    .description('Audit AWS IAM against the HIPAA Security Rule (45 CFR 164.308, 164.312) and keep the evidence.')
    .version(TOOL.version)
    .showHelpAfterError(false)
    .addHelpText(
      'after',
      `
Sources (pick one; live AWS is the default):
  live AWS     the SDK's credential chain, or --profile, --region, --role-arn; AWS_ENDPOINT_URL is honoured
  --snapshot   a file written by \`hipaa-iam collect --save FILE\`
  --import     a folder of AWS CLI exports
  --demo       the embedded demo account

Exit codes: 0 no failing finding at or above --fail-on; 1 failing findings;
            2 usage or input error; 3 the run could not complete, has ERROR findings,
            or a change of --apply failed.

Examples:
  hipaa-iam audit --demo
  hipaa-iam audit --profile prod-readonly --out /srv/evidence
  hipaa-iam mfa-audit --import ./client-exports
  hipaa-iam collect --role-arn arn:aws:iam::123456789012:role/Auditor --save snapshot.json
  hipaa-iam mfa-audit --enforce           print the changes that would enforce MFA; change nothing
  hipaa-iam mfa-audit --enforce --apply   make them, logging each to remediation-log.csv
  hipaa-iam scp --save hipaa-scp.json     the SCP that allows only HIPAA-eligible services`,
    );

  program.addCommand(auditCommand('audit', 'run every control and write the evidence pack', ALL_CHECKS));
  program.addCommand(auditCommand('password-policy', 'judge the account password policy, parameter by parameter (IAM-004)', checksForGroup('password-policy'), REMEDIATION['password-policy']));
  program.addCommand(auditCommand('mfa-audit', 'MFA for root and every console user, and its enforcement by policy (IAM-001, 005, 006, 009)', checksForGroup('mfa-audit'), REMEDIATION['mfa-audit']));
  program.addCommand(auditCommand('credentials', 'root keys and use, key rotation, unused credentials, two active keys, keys from setup (IAM-007, 008, 010-013)', checksForGroup('credentials')));
  program.addCommand(auditCommand('least-privilege', 'admin access, wildcards, inline and direct policies, groups, escalation, HIPAA-eligible services, support role, sessions, federation', checksForGroup('least-privilege')));
  program.addCommand(auditCommand('boundary', 'permissions boundaries on users and roles, and their strength (IAM-002, 023)', checksForGroup('boundary'), REMEDIATION.boundary));
  program.addCommand(auditCommand('analyzer', 'IAM Access Analyzer in every region and its active findings (IAM-024, 025)', checksForGroup('analyzer'), REMEDIATION.analyzer));
  program.addCommand(auditCommand('audit-trail', 'CloudTrail: multi-region logging, log validation, KMS, CloudWatch Logs (IAM-026 to 029)', checksForGroup('audit-trail')));

  program.addCommand(scpCommand());

  const collect = new Command('collect').description('collect every source once into a snapshot file; judge nothing');
  for (const option of sourceOptions()) collect.addOption(option);
  collect.requiredOption('--save <file>', 'where to write the snapshot (JSON)');
  collect.action(async (flags: SourceFlags & { save: string }) => {
    const snapshot = await obtainSnapshot(selectSource(flags), progressReporter());
    writeFileAtomically(flags.save, `${JSON.stringify(snapshot, null, 2)}\n`);
    const failed = Object.entries(snapshot.sources).filter(([, s]) => s.status === 'error').map(([name]) => name);
    process.stdout.write(`Snapshot of account ${snapshot.accountId} written to ${flags.save}${failed.length ? ` (sources with errors: ${failed.join(', ')})` : ''}\n`);
  });
  program.addCommand(collect);

  program.addCommand(
    new Command('risk-register')
      .description('show the living risk register of an account (rebuilding it from the archive of runs if it is lost)')
      .addOption(new Option('--out <dir>', 'evidence folder the runs were written to').default('reports'))
      .addOption(new Option('--account <id>', 'account id (default: the only account in --out)'))
      .action((flags: { out: string; account?: string }) => {
        process.stdout.write(showRiskRegister(flags.out, flags.account));
      }),
  );
  program.addCommand(
    new Command('verify')
      .description('check a run folder against its manifest.json: exit 0 if every file matches, 1 naming what changed, was added or removed')
      .argument('<run-dir>', 'a run folder, <out>/<account-id>/<timestamp>')
      .action((runDir: string) => {
        const result = verifyRunFolder(runDir);
        process.stdout.write(`${result.report}\n`);
        process.exitCode = result.ok ? 0 : 1;
      }),
  );

  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      // One line per error, suggestion included, so a cron mail or a log stays readable.
      outputError: (text, write) => write(`hipaa-iam: ${text.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    });
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    process.exitCode = 0;
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      return ok ? 0 : 2;
    }
    if (error instanceof InputError || error instanceof CollectionError) {
      process.stderr.write(`hipaa-iam: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`hipaa-iam: the run could not complete: ${errorMessage(error)}\n`);
    if (process.env.HIPAA_IAM_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv);
