import type { Check } from '../checks/check.js';
import { ALL_CHECKS, checksForGroup } from '../checks/registry.js';
import { sourcesNeeded } from '../checks/sources-needed.js';
import { permissionsFor } from '../collect/source-actions.js';
import { SOURCE_NAMES, type SourceName } from '../snapshot/schema.js';
import { REMEDIATION, type RemediationSpec } from './remediation.js';

/** An auditing subcommand: its name, its help line, the checks it runs and how it fixes what it audits. */
export interface AuditCommandSpec {
  name: string;
  description: string;
  checks: readonly Check[];
  remediation?: RemediationSpec;
}

/** Every auditing subcommand, in the order `--help` lists them; src/cli/main.ts registers exactly these. */
export const AUDIT_COMMANDS: readonly AuditCommandSpec[] = [
  { name: 'audit', description: 'run every control and write the evidence pack', checks: ALL_CHECKS },
  { name: 'password-policy', description: 'judge the account password policy, parameter by parameter (IAM-004)', checks: checksForGroup('password-policy'), remediation: REMEDIATION['password-policy'] },
  { name: 'mfa-audit', description: 'MFA for root and every console user, and its enforcement by policy (IAM-001, 005, 006, 009)', checks: checksForGroup('mfa-audit'), remediation: REMEDIATION['mfa-audit'] },
  { name: 'credentials', description: 'root keys and use, key rotation, unused credentials, two active keys, keys from setup (IAM-007, 008, 010-013)', checks: checksForGroup('credentials') },
  { name: 'least-privilege', description: 'admin access, wildcards, inline and direct policies, groups, escalation, HIPAA-eligible services, support role, sessions, federation', checks: checksForGroup('least-privilege') },
  { name: 'boundary', description: 'permissions boundaries on users and roles, and their strength (IAM-002, 023)', checks: checksForGroup('boundary'), remediation: REMEDIATION.boundary },
  { name: 'analyzer', description: 'IAM Access Analyzer in every region and its active findings (IAM-024, 025)', checks: checksForGroup('analyzer'), remediation: REMEDIATION.analyzer },
  { name: 'audit-trail', description: 'CloudTrail: multi-region logging, log validation, KMS, CloudWatch Logs (IAM-026 to 029)', checks: checksForGroup('audit-trail') },
  { name: 'identity-center', description: 'IAM Identity Center: administrator permission sets and break-glass holders, session duration, HIPAA-eligible services, group assignments, MFA attestation (IAM-033 to 037)', checks: checksForGroup('identity-center') },
];

/** The sources a live run of the command reads, its plan's included (the most it reads, e.g. with --enforce). */
export function commandSources(command: AuditCommandSpec): SourceName[] {
  return sourcesNeeded(command.checks, command.remediation?.sources ?? []);
}

/**
 * The README's table of what each command reads and the permissions that needs (Markdown),
 * derived from the checks' declared sources and SOURCE_ACTIONS; `collect` reads every source.
 * test/cli/permissions-table.test.ts holds the README to it; `node scripts/write-permissions-table.js` prints it.
 */
export function permissionsTable(): string {
  const rows = [
    ...AUDIT_COMMANDS.map((command) => ({ name: command.name, sources: commandSources(command) })),
    { name: 'collect', sources: [...SOURCE_NAMES] },
  ];
  const lines = ['| command | sources read | permissions |', '|---|---|---|'];
  for (const { name, sources } of rows) {
    const every = SOURCE_NAMES.every((source) => sources.includes(source));
    const permissions = every ? 'every action of `policies/hipaa-iam-auditor.json`' : permissionsFor(sources).map((a) => `\`${a}\``).join(' ');
    lines.push(`| \`${name}\` | ${every ? 'every source' : sources.join(', ')} | ${permissions} |`);
  }
  return `${lines.join('\n')}\n`;
}
