import type { CheckMeta, Finding, Status } from '../checks/check.js';
import type { PeopleAccess } from '../identity-center/people-access.js';
import type { RunInfo } from './run-info.js';

/** One row of the living risk register, keyed by risk id (columns of DESIGN.md). */
export interface RiskRegisterRow {
  riskId: string;
  description: string;
  hipaaStandard: string;
  severity: string;
  affectedResources: string;
  mitigation: string;
  status: 'Open' | 'Closed' | 'Accepted' | 'Not detected' | string;
  firstDetected: string;
  lastSeen: string;
  closedOn: string;
  /** Written by people; carried forward untouched. */
  owner: string;
  notes: string;
}

/** One implementation specification of 164.308 / 164.312 and how this run stands on it. */
export interface ComplianceMatrixRow {
  /** e.g. "164.312(d)" */
  specification: string;
  title: string;
  /** Control ids that cite it; empty for specifications only a person can attest. */
  controls: string[];
  /** Worst status of its controls' findings, or MANUAL when no control covers it. */
  status: Status;
  counts: Partial<Record<Status, number>>;
  /** What a person must attest, for MANUAL rows. */
  attestation: string;
}

/** Totals of an archived run, for the trend chart. */
export interface RunTrendPoint {
  startedAt: string;
  counts: Partial<Record<Status, number>>;
}

/** Everything report.html shows; the HTML reporter judges nothing. */
export interface HtmlReportInput {
  run: RunInfo;
  controls: readonly CheckMeta[];
  findings: readonly Finding[];
  matrix: readonly ComplianceMatrixRow[];
  register: readonly RiskRegisterRow[];
  /** Earlier verified runs of the account of this run's scope (full audits, or the same subcommand's runs), oldest first, this run last. */
  trend: readonly RunTrendPoint[];
  /** Who signs in through IAM Identity Center to which account with which permission sets (the "People × accounts" section); absent: no section. */
  people?: PeopleAccess;
}
