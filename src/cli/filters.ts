import { InvalidArgumentError, Option } from 'commander';
import { SEVERITIES, type Check, type CheckMeta, type Severity } from '../checks/check.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { InputError } from '../errors.js';
import type { ControlFilters } from '../report/run-info.js';

/**
 * Choosing controls on any audit command, as Prowler's --check / --excluded-check / --severity
 * do: the filters narrow the command's checks before anything is collected, so a filtered run
 * reads only what its controls need and is recorded as a partial run (src/audit.ts).
 */
export function filterOptions(): Option[] {
  return [
    new Option('--controls <list>', 'judge only these controls, comma-separated control ids or risk ids (password-policy or IAM-004; any case); `hipaa-iam controls` lists them').argParser(controlList),
    new Option('--exclude-controls <list>', 'judge every control of the command but these (control ids or risk ids, comma-separated)').argParser(controlList),
    new Option('--severity <list>', `judge only controls of these severities, comma-separated: ${SEVERITIES.join(', ')} (a list, not a minimum: critical,high keeps both)`).argParser(severityList),
  ];
}

/** As commander hands them to the action: the words given, not yet resolved to controls. */
export interface ControlFilterFlags {
  controls?: string[];
  excludeControls?: string[];
  severity?: Severity[];
}

/** A flag given twice adds to the list (`--controls IAM-004 --controls IAM-005` is both), as Prowler's do; never the last one silently alone. */
function controlList(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('name at least one control, e.g. IAM-004 or password-policy');
  return [...new Set([...(previous ?? []), ...names])];
}

function severityList(value: string, previous: Severity[] | undefined): Severity[] {
  const names = [...new Set([...(previous ?? []), ...value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean)])];
  const unknown = names.filter((name) => !(SEVERITIES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected some of ${SEVERITIES.join(', ')}${unknown.length ? `, not ${unknown.join(', ')}` : ''}`);
  // In the catalogue's order, so run.json records the same list however it was typed.
  return SEVERITIES.filter((severity) => names.includes(severity));
}

/** The control a word names: its control id or its risk id (docs/CONTROLS.md), in any case; undefined if none. */
export function controlNamed(name: string): Check | undefined {
  const wanted = name.trim().toLowerCase();
  return ALL_CHECKS.find((check) => check.meta.controlId.toLowerCase() === wanted || check.meta.riskId.toLowerCase() === wanted);
}

/**
 * The commands that judge a control: its group's subcommand and `audit`. The risk-register
 * group's command shows the register; its control (review-cadence) is judged by `audit` alone.
 * The organization group has no subcommand: its controls (IAM-038, IAM-039) belong to `audit`
 * (and are judged in `audit --organization`).
 */
export function judgingCommands(meta: Pick<CheckMeta, 'group'>): string[] {
  return meta.group === 'risk-register' || meta.group === 'organization' ? ['audit'] : [meta.group, 'audit'];
}

export interface ControlSelection {
  /** The command's checks the filters keep, in the registry's order. */
  checks: Check[];
  /** The filters as control ids and severities, for run.json; undefined when none was given. */
  filters?: ControlFilters;
}

/**
 * Narrows a command's checks by --controls, --exclude-controls and --severity (all three
 * together: listed, not excluded, of a listed severity). Throws InputError (exit 2, before
 * anything is collected or written) for a word that names no control, a control the command
 * does not judge (naming the command that does), or filters that leave no control.
 */
export function selectControls(command: string, checks: readonly Check[], flags: ControlFilterFlags): ControlSelection {
  const filters = recordedFilters(flags);
  const mine = new Set(checks.map((check) => check.meta.controlId));
  for (const [flag, names] of [['--controls', flags.controls], ['--exclude-controls', flags.excludeControls]] as const) {
    for (const name of names ?? []) {
      const check = controlNamed(name);
      if (!check) throw new InputError(`${flag}: no control is named ${JSON.stringify(name)}; \`hipaa-iam controls\` lists every control id and risk id`);
      if (!mine.has(check.meta.controlId)) {
        const by = judgingCommands(check.meta).map((c) => `\`hipaa-iam ${c}\``).join(' or ');
        throw new InputError(`${flag}: ${check.meta.riskId} ${check.meta.controlId} is not judged by \`hipaa-iam ${command}\`; ${by} judges it`);
      }
    }
  }
  if (!filters) return { checks: [...checks] };
  const kept = checks.filter(
    (check) =>
      (filters.controls === undefined || filters.controls.includes(check.meta.controlId)) &&
      !(filters.excludeControls ?? []).includes(check.meta.controlId) &&
      (filters.severity === undefined || filters.severity.includes(check.meta.severity)),
  );
  if (kept.length === 0) throw new InputError(`${describeFilters(filters)} leave${Object.keys(filters).length === 1 ? 's' : ''} no control of \`hipaa-iam ${command}\` to judge; \`hipaa-iam controls\` lists the controls, their groups and severities`);
  return { checks: kept, filters };
}

/**
 * The filters given, as run.json records them: control ids (a risk id or any case resolved to
 * its control id) and severities; undefined when no filter was given. Words that name no control
 * are left out (selectControls has refused them before a run gets this far).
 */
export function recordedFilters(flags: ControlFilterFlags): ControlFilters | undefined {
  const ids = (names: string[] | undefined) => names?.flatMap((name) => controlNamed(name)?.meta.controlId ?? []).filter((id, i, all) => all.indexOf(id) === i);
  const filters: ControlFilters = {
    ...(flags.controls ? { controls: ids(flags.controls) } : {}),
    ...(flags.excludeControls ? { excludeControls: ids(flags.excludeControls) } : {}),
    ...(flags.severity ? { severity: [...flags.severity] } : {}),
  };
  return Object.keys(filters).length > 0 ? filters : undefined;
}

function describeFilters(filters: ControlFilters): string {
  return [
    filters.controls && `--controls ${filters.controls.join(',')}`,
    filters.excludeControls && `--exclude-controls ${filters.excludeControls.join(',')}`,
    filters.severity && `--severity ${filters.severity.join(',')}`,
  ]
    .filter(Boolean)
    .join(' with ');
}
