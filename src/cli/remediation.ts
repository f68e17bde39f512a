import { InvalidArgumentError, Option } from 'commander';
import { InputError } from '../errors.js';
import { planAnalyzers } from '../remediate/analyzer.js';
import { planBoundaries } from '../remediate/boundary.js';
import { planMfaEnforcement } from '../remediate/mfa-enforcement.js';
import { planPasswordPolicy } from '../remediate/password-policy.js';
import type { RemediationPlan } from '../remediate/plan.js';
import type { Settings } from '../settings.js';
import type { Snapshot, SourceName } from '../snapshot/schema.js';

export interface RemediationFlags {
  apply?: boolean;
  enforce?: boolean;
  enable?: boolean;
  policyArn?: string;
  replaceBoundaries?: boolean;
}

/** How a subcommand fixes what it audits: its extra options, when it plans, and the plan. */
export interface RemediationSpec {
  options: Option[];
  /** Whether this invocation plans at all (mfa-audit only with --enforce, analyzer only with --enable). */
  plans(flags: RemediationFlags): boolean;
  plan(snapshot: Snapshot, settings: Settings, flags: RemediationFlags): RemediationPlan;
  /** The sources the plan reads (callerIdentity, always read, aside): a live run that plans reads them too. */
  sources: SourceName[];
}

const applyOption = (what: string) => new Option('--apply', `make the changes (${what}); without it the plan is printed and nothing changes`);

/** --apply needs the flag that opts in to the fix, so a habit of typing --apply cannot lock users out. */
function requireOptIn(flags: RemediationFlags, optIn: 'enforce' | 'enable'): boolean {
  if (flags.apply && !flags[optIn]) throw new InputError(`--apply needs --${optIn}: without it there is nothing to apply`);
  return flags[optIn] === true;
}

function parsePolicyArn(value: string): string {
  if (!/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/\S+$/.test(value)) throw new InvalidArgumentError('expected an IAM policy ARN, e.g. arn:aws:iam::123456789012:policy/permissions-boundary-base');
  return value;
}

export const REMEDIATION: Record<'password-policy' | 'mfa-audit' | 'boundary' | 'analyzer', RemediationSpec> = {
  'password-policy': {
    options: [applyOption('UpdateAccountPasswordPolicy to the baseline, never weakening a stronger setting')],
    plans: () => true,
    plan: (snapshot, settings) => planPasswordPolicy(snapshot, settings.passwordPolicy),
    sources: ['passwordPolicy'],
  },
  'mfa-audit': {
    options: [
      new Option('--enforce', 'plan the deny-without-MFA policy, the human-users group carrying it, and membership for every console user it does not cover yet'),
      applyOption('with --enforce'),
    ],
    plans: (flags) => requireOptIn(flags, 'enforce'),
    plan: (snapshot) => planMfaEnforcement(snapshot),
    sources: ['credentialReport', 'authorizationDetails'],
  },
  boundary: {
    options: [
      new Option('--policy-arn <arn>', 'the boundary to require and to set (default: permissions-boundary-base, created from policies/permissions-boundary.json if absent)').argParser(parsePolicyArn),
      new Option('--replace-boundaries', 'with --apply, also replace boundaries other than the chosen one (never done otherwise)'),
      applyOption('create the boundary if absent, set it on every user and role lacking one'),
    ],
    plans: () => true,
    plan: (snapshot, settings, flags) => planBoundaries(snapshot, settings, { policyArn: flags.policyArn, replaceExisting: flags.replaceBoundaries === true }),
    sources: ['authorizationDetails'],
  },
  analyzer: {
    options: [new Option('--enable', 'plan an account analyzer in every region checked that lacks an active one'), applyOption('with --enable')],
    plans: (flags) => requireOptIn(flags, 'enable'),
    plan: (snapshot) => planAnalyzers(snapshot),
    sources: ['accessAnalyzer'],
  },
};
