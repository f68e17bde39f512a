import type { ChalkInstance } from 'chalk';
import { Command, Option } from 'commander';
import type { Check } from '../checks/check.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { InputError } from '../errors.js';
import { colourFor } from '../report/terminal.js';
import { judgingCommands } from './filters.js';

/** `hipaa-iam controls [--json]`: the catalogue of docs/CONTROLS.md as the code holds it, so filters and exceptions can name controls. */
export function controlsCommand(): Command {
  return new Command('controls')
    .description('list every control: risk id, control id, severity, group, HIPAA citations and the sources it reads (also: hipaa-iam --list-controls)')
    .addOption(new Option('--json', 'print the list as a JSON array (controlId, riskId, title, severity, group, commands, hipaa, sources, optionalSources, description, remediation)'))
    .action((flags: { json?: boolean }) => {
      process.stdout.write(flags.json ? controlsJson(ALL_CHECKS) : controlsTable(ALL_CHECKS, colourFor(process.stdout)));
    });
}

/** One entry of `controls --json`; the field names are a stable interface, as findings.json's are. */
export interface ControlListing {
  controlId: string;
  riskId: string;
  title: string;
  severity: string;
  /** The subcommand group of CONTROLS.md. */
  group: string;
  /** The commands that judge it (its group's subcommand, and `audit`). */
  commands: string[];
  /** 45 CFR 164 citations, e.g. "164.312(d)". */
  hipaa: string[];
  /** Snapshot sources it reads (src/snapshot/schema.ts); none for review-cadence, which reads the archive of runs. */
  sources: string[];
  /** Sources it reads when they were collected and judges without otherwise (CheckMeta.optionalSources); `--controls` collects them too. */
  optionalSources: string[];
  description: string;
  remediation: string;
}

export function controlListing(checks: readonly Check[]): ControlListing[] {
  return checks.map(({ meta }) => ({
    controlId: meta.controlId,
    riskId: meta.riskId,
    title: meta.title,
    severity: meta.severity,
    group: meta.group,
    commands: judgingCommands(meta),
    hipaa: [...meta.hipaa],
    sources: [...meta.sources],
    optionalSources: [...(meta.optionalSources ?? [])],
    description: meta.description,
    remediation: meta.remediation,
  }));
}

export function controlsJson(checks: readonly Check[]): string {
  return `${JSON.stringify(controlListing(checks), null, 2)}\n`;
}

const COLUMNS = ['RISK_ID', 'CONTROL_ID', 'SEVERITY', 'GROUP', 'HIPAA', 'SOURCES', 'TITLE'] as const;

/** The SOURCES cell: what the control reads, its optional sources marked `?` (`credentialReport,virtualMfaDevices?`); `-` for none. */
export function sourcesCell(listing: Pick<ControlListing, 'sources' | 'optionalSources'>): string {
  return [...listing.sources, ...listing.optionalSources.map((source) => `${source}?`)].join(',') || '-';
}

/**
 * An aligned table, one control a line. Every column but the last (the title) is one word,
 * headings included (lists are joined by commas, no spaces), so `awk '{print $2}'` or `cut` reads a column from a
 * pipe as well as a person reads it on a terminal.
 */
export function controlsTable(checks: readonly Check[], c: ChalkInstance): string {
  const rows = controlListing(checks).map((l) => [l.riskId, l.controlId, l.severity, l.group, l.hipaa.join(','), sourcesCell(l), l.title]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return `${c.bold(line(COLUMNS))}\n${rows.map(line).join('\n')}\n`;
}

/**
 * `hipaa-iam --list-controls [--json]` is `hipaa-iam controls [--json]`, for those who look for
 * the list among the program's options (as Prowler's --list-checks). It stands alone.
 */
export function listControlsAlias(argv: readonly string[]): string[] {
  const [node = '', script = '', ...args] = argv;
  if (args.includes('--list-controls') && args.every((arg) => arg === '--list-controls' || arg === '--json')) {
    return [node, script, 'controls', ...args.filter((arg) => arg === '--json').slice(0, 1)];
  }
  return [...argv];
}

/** The program's --list-controls option, for its help; given with anything but --json it is a usage error. */
export function listControlsOption(): Option {
  return new Option('--list-controls', 'list every control and exit (same as `hipaa-iam controls`; add --json for JSON)');
}

export function refuseListControlsWithCommand(program: Command): void {
  program.hook('preSubcommand', (thisCommand) => {
    if (thisCommand.opts().listControls) throw new InputError('--list-controls stands alone (hipaa-iam --list-controls [--json]); to judge some controls, use --controls on an audit command');
  });
}
