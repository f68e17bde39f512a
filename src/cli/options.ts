import { Option } from 'commander';
import { SEVERITIES } from '../checks/check.js';

/**
 * One table of options, shared by every command that reads an account, so help text and
 * behaviour cannot drift apart between subcommands.
 */
export const OFFLINE_SOURCES = ['snapshot', 'import', 'demo'] as const;
const LIVE_ONLY = ['profile', 'region', 'roleArn', 'externalId'];

export function sourceOptions(): Option[] {
  return [
    new Option('--profile <name>', 'AWS profile from ~/.aws/config (live; default: the SDK credential chain)').conflicts([...OFFLINE_SOURCES]),
    new Option('--region <region>', 'region for STS and the partition (live; default: AWS_REGION or us-east-1)').conflicts([...OFFLINE_SOURCES]),
    new Option('--role-arn <arn>', 'assume this role through STS before collecting (live)').conflicts([...OFFLINE_SOURCES]),
    new Option('--external-id <id>', 'external ID for --role-arn, if the role requires one').conflicts([...OFFLINE_SOURCES]),
    new Option('--snapshot <file>', 'audit a snapshot saved by `hipaa-iam collect --save` (offline)').conflicts(['import', 'demo', ...LIVE_ONLY]),
    new Option('--import <dir>', 'audit AWS CLI exports in DIR (credential-report.csv, account-authorization-details.json, ...; offline)').conflicts(['snapshot', 'demo', ...LIVE_ONLY]),
    new Option('--demo', 'audit the embedded demo account of a fictional clinic (offline)').conflicts(['snapshot', 'import', ...LIVE_ONLY]),
  ];
}

export function outputOptions(): Option[] {
  return [
    new Option('--out <dir>', 'evidence folder; each run goes to <dir>/<account-id>/<timestamp>/').default('reports'),
    new Option('--fail-on <severity>', 'exit 1 when a FAIL at or above this severity exists').choices([...SEVERITIES]).default('low'),
  ];
}

export interface SourceFlags {
  profile?: string;
  region?: string;
  roleArn?: string;
  externalId?: string;
  snapshot?: string;
  import?: string;
  demo?: boolean;
}

export interface OutputFlags {
  out: string;
  failOn: (typeof SEVERITIES)[number];
}
