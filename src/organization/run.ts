import type { ChalkInstance } from 'chalk';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { carryRegisterForward, prepareAccountRun } from '../audit.js';
import { ALL_CHECKS } from '../checks/registry.js';
import type { Check, Finding, Severity, Status } from '../checks/check.js';
import { CollectionError, EvidenceWriteError, InputError, errorMessage } from '../errors.js';
import type { ExceptionsFile } from '../exceptions.js';
import { withAccountLock, type LockTiming } from '../report/account-lock.js';
import { LIVING_REGISTER, readLivingRegister, type LivingRegister } from '../report/archive.js';
import { chainLink } from '../report/chain.js';
import { complianceMatrixCsv, complianceMatrixFromCounts } from '../report/compliance-matrix.js';
import { makeFolders, removeAbandonedPartials, renameIntoPlace, runFolderName, writeFileAtomically, writeFilesInto, type FileContent } from '../report/evidence-writer.js';
import { findingsCsvChunks, findingsJsonChunks } from '../report/findings.js';
import { DEFAULT_FORMATS, type Format } from '../report/formats.js';
import type { ManifestSigner } from '../report/kms.js';
import { buildManifest, MANIFEST_FILE, sha256, SIGNATURE_FILE, type PreviousRun } from '../report/manifest.js';
import { accountArchive, organizationFolder, packageNames, readPackageArchive } from '../report/organization-package.js';
import { accountControlMatrixCsv, organizationHtmlChunks } from '../report/organization-report.js';
import { IDENTITY_CENTER_ACCESS_CSV, identityCenterAccessCsv, organizationAccess, permissionSetAdminMark, type AdminMark } from '../report/organization-identity-center.js';
import { accountsInScope } from '../identity-center/view.js';
import { checkOutputFolder } from '../report/output-folder.js';
import { nextRiskRegister, riskRegisterCsv, type RegisterRow } from '../report/risk-register.js';
import type { ControlFilters } from '../report/run-info.js';
import { TOOL } from '../snapshot/build.js';
import type { Snapshot } from '../snapshot/schema.js';
import type { Settings } from '../settings.js';
import { asMemberSnapshot, type AccountSelection, type OrganizationSource } from './collection.js';
import organizationCoverage, { organizationCoverageFindings, type CoverageOutcome } from '../checks/organization/organization-coverage.js';
import { ouPathText } from './facts.js';
import { countsText, organizationExitCode, OrganizationRollup, tableControls, type RollupAccount } from './rollup.js';

// The organization-wide run (`--organization`), callable by any program like src/run.ts: it
// judges each member account as its snapshot arrives from the OrganizationSource, writes that
// account's run folder at once into the package's hidden temporary folder, and keeps only
// counts and failing findings (src/organization/rollup.ts), so memory is bounded by the
// source's concurrency, not by the organization's size. At the end it writes the roll-up,
// judges coverage (IAM-039), writes one manifest over the whole package chained to the previous
// package, renames the package into place, and carries the living registers forward.
//
// Where things live (docs/DESIGN.md "Evidence layout"), under <out>/org-<organization-id>/:
//   <timestamp>/                       the package (roll-up files, manifest.json over all of it)
//   <timestamp>/<account-id>/          the account's run folder, the files of a single-account run
//   risk-register.csv                  the organization's living register
//   <account-id>/risk-register.csv     the account's living register in the organization
// An account's history in organization runs (IAM-003 reviews, changes.csv's previous run, the
// trend, its register's rebuild) is its folders in the earlier packages the chain vouches for;
// its single-account runs under <out>/<account-id>/ are a separate history, never mixed in,
// because a package's account folder is covered by the package's manifest and chain, not the
// account's own chain.

export interface OrganizationRunRequest {
  /** The command's name, recorded in run.json (`audit`, `mfa-audit`, ...). */
  command: string;
  /** The controls judged in every account (IAM-039 is judged once, from the outcomes). */
  checks: readonly Check[];
  source: OrganizationSource;
  /** The evidence folder; the package goes to <outDir>/org-<organization-id>/<timestamp>/. */
  outDir: string;
  outDirName?: string;
  failOn: Severity;
  formats?: readonly Format[];
  settings?: Partial<Settings>;
  exceptions?: ExceptionsFile;
  filters?: ControlFilters;
  onlyFailures?: boolean;
  colour: ChalkInstance;
  /** Sign the package's manifest.json with this asymmetric KMS key (checked before anything is read). */
  signWithKms?: { keyId: string; profile?: string };
  startedAt?: Date;
  /** One line at a time, for people watching. */
  progress?: (message: string) => void;
  /** Told of each account as soon as it is judged and written (or found unreachable). */
  onAccount?: (account: RollupAccount) => void;
  /** What is true of the run's output were the process stopped from now on. */
  onOutputNote?: (whatIsWritten: string) => void;
  /** Per account and file, as audit()'s onPhase ('report:<file>'), prefixed `<account-id>:`; and 'rollup', 'package'. For benches; must not throw. */
  onPhase?: (phase: string, milliseconds: number) => void;
  lockTiming?: LockTiming;
}

/** run.json of a package, and the `run` block of its roll-up findings.json. */
export interface OrganizationRunInfo {
  tool: { name: string; version: string };
  command: string;
  scope: 'organization';
  /** 'full' when every control was judged in every account (as an account's 'full' run), else 'partial'. */
  controlScope: 'full' | 'partial';
  organization: { id: string; arn: string; masterAccountId: string; featureSet: string };
  readFrom: { accountId: string; arn: string };
  source: string;
  selection: AccountSelection;
  factsCollectedAt: string;
  /** Parts of the organization's facts that could not be read, with why (their controls judge without them or ERROR). */
  factErrors: { part: string; code: string; message: string }[];
  startedAt: string;
  finishedAt: string;
  controls: string[];
  filters?: ControlFilters;
  formats: string[];
  /** Findings per status over every account, IAM-039's included. */
  statusCounts: Partial<Record<Status, number>>;
  covered: number;
  audited: number;
  unreachable: { id: string; name: string; ouPath: string; step: string; reason: string }[];
  skipped: { id: string; name: string; status: string; ouPath: string; why: string }[];
  /** Every covered account: its outcome, folder and counts. */
  accounts: Omit<RollupAccount, 'byControl'>[];
  /** What the roll-up's findings.json and findings.csv hold. */
  findings: string;
  warnings?: string[];
}

export interface OrganizationRunResult {
  packageDir: string;
  rollup: OrganizationRollup;
  run: OrganizationRunInfo;
  /** 0, 1 failing findings at --fail-on, 3 an ERROR finding or an unreachable account (3 wins). */
  exitCode: 0 | 1 | 3;
  warnings: string[];
  /** The roll-up findings document (the text of the package's findings.json), for --json. */
  findingsDocument: () => Iterable<string>;
}

/** The organization's findings CSV and findings.json hold these; every finding of an account is in its own folder. */
const ROLLUP_FINDINGS = 'the FAIL, ERROR and SUPPRESSED findings of every audited account, and IAM-039 organization-coverage; every finding of an account is in <account-id>/findings.json';

/**
 * Runs an organization-wide audit end to end (see the head of this file). Before anything is
 * read: the evidence folder must be writable and a KMS key able to sign (InputError, exit 2); a
 * living register people broke is refused (exit 2). A failure while accounts are judged or the
 * package written removes the temporary folder (nothing half-written; EvidenceWriteError,
 * exit 3); a run killed meanwhile leaves only that hidden folder, which the next run removes.
 * @throws InputError, CollectionError, EvidenceWriteError (src/errors.ts)
 */
export async function runOrganization(request: OrganizationRunRequest): Promise<OrganizationRunResult> {
  const { source } = request;
  const startedAt = request.startedAt ?? new Date();
  const progress = request.progress ?? (() => {});
  const note = request.onOutputNote ?? (() => {});
  const formats = [...new Set(request.formats ?? DEFAULT_FORMATS)].sort() as Format[];
  checkOutputFolder(request.outDir, request.outDirName ?? request.outDir);
  const signer: ManifestSigner | undefined = request.signWithKms ? await (await import('../report/kms.js')).kmsSigner(request.signWithKms.keyId, request.signWithKms.profile) : undefined;
  const { facts } = source;
  if (source.covered.length === 0) {
    throw new InputError(`the selection covers no ACTIVE account of organization ${facts.organization.id} (${source.skipped.length} left out${source.skipped.length > 0 ? `: ${source.skipped.slice(0, 3).map((s) => `${s.account.id} ${s.why}`).join('; ')}${source.skipped.length > 3 ? '; …' : ''}` : ''}); widen --accounts, --ou or --exclude-accounts; nothing was written`);
  }
  let orgDir: string;
  try {
    orgDir = organizationFolder(request.outDir, facts.organization.id);
  } catch (error) {
    throw new CollectionError(`the organization's facts are unusable: ${errorMessage(error)}`);
  }
  try {
    makeFolders(orgDir);
  } catch (error) {
    throw new InputError(`cannot create evidence folder ${orgDir}: ${errorMessage(error)}; nothing was written`);
  }
  removeAbandonedPartials(orgDir);
  let archive = readPackageArchive(orgDir);
  // A register people broke is refused before any account is read.
  readLivingRegister(request.outDir, `org-${facts.organization.id}`, archive.packages);

  // IAM-039 is judged once for the organization, from the outcomes; every other control in each account.
  const accountChecks = request.checks.filter((c) => c.meta.controlId !== organizationCoverage.meta.controlId);
  const coverageMeta = organizationCoverage.meta;
  const controls = request.checks.map((c) => c.meta.controlId);
  const controlScope: 'full' | 'partial' = ALL_CHECKS.every((c) => controls.includes(c.meta.controlId)) ? 'full' : 'partial';
  const runDate = startedAt.toISOString().slice(0, 10);
  const rollup = new OrganizationRollup();
  const outcomes: CoverageOutcome[] = [];
  const warnings = new Set<string>();
  // What each account's living register needs at the end: the register as read, and its failing findings (kept by the roll-up anyway).
  const registers: { living: LivingRegister; failing: Finding[]; runs: ReturnType<typeof accountArchive>['runs'] }[] = [];
  const hashes: Record<string, string> = {};
  // Per audited account, permission set ARN → administrator access there (the people × accounts table).
  const adminMarks = new Map<string, Map<string, AdminMark>>();
  const temporary = join(orgDir, `.${runFolderName(startedAt)}.${process.pid}.partial`);
  note('nothing of the organization run is written yet: its package is in a hidden temporary folder, which the next run removes');

  try {
    mkdirSync(temporary);
    for await (const outcome of source.outcomes) {
      const { account } = outcome;
      if (outcomes.some((o) => o.account.id === account.id)) {
        warnings.add(`the source reported account ${account.id} more than once; its first outcome was kept`);
        continue;
      }
      if (outcome.kind === 'unreachable' || outcome.snapshot.accountId !== account.id) {
        const [step, reason] = outcome.kind === 'unreachable' ? [outcome.step, outcome.reason] : ['collect' as const, `the snapshot collected is of account ${outcome.snapshot.accountId}, not ${account.id}`];
        outcomes.push({ account, kind: 'unreachable', step, reason });
        const line = rollup.addUnreachable(account, step, reason);
        request.onAccount?.(line);
        continue;
      }
      const started = performance.now();
      // While its details are at hand: which permission sets are administrator access in this account.
      adminMarks.set(account.id, adminMarksIn(facts, account.id, outcome.snapshot));
      const history = accountArchive(archive, account.id);
      const accountRequest = {
        command: request.command,
        checks: accountChecks,
        // Its own Identity Center is not what the run judges (the facts' is): never listed as unreadable.
        snapshot: asMemberSnapshot(outcome.snapshot),
        startedAt,
        outDir: orgDir,
        failOn: request.failOn,
        settings: request.settings ?? {},
        ...(request.exceptions ? { exceptions: request.exceptions } : {}),
        formats,
        colour: request.colour,
        ...(request.filters ? { filters: request.filters } : {}),
        ...(request.onlyFailures !== undefined ? { onlyFailures: request.onlyFailures } : {}),
        organization: { facts, account },
        // An organization's full audit is a full audit of each account (an IAM-003 review), IAM-039 being judged once for all.
        scope: controlScope,
      };
      const prepared = prepareAccountRun(accountRequest, history, () => readLivingRegister(orgDir, account.id, history.runs), `the earlier packages of ${orgDir} (account ${account.id})`);
      const folder = join(temporary, account.id);
      mkdirSync(folder);
      const newest = history.runs.at(-1);
      const previous: PreviousRun | null = newest ? { run: relative(orgDir, newest.dir).split('\\').join('/'), manifestSha256: newest.manifestSha256 } : null;
      writeFilesInto(folder, prepared.files, {
        last: (fileHashes) => {
          const files = prepared.manifest(previous)(fileHashes);
          for (const [name, hash] of Object.entries(fileHashes)) hashes[`${account.id}/${name}`] = hash;
          for (const [name, content] of Object.entries(files)) hashes[`${account.id}/${name}`] = sha256(content as string);
          return files;
        },
        ...(request.onPhase ? { onPhase: (phase: string, ms: number) => request.onPhase!(`${account.id}:${phase}`, ms) } : {}),
      });
      for (const warning of prepared.warnings) warnings.add(warning);
      const { line, failing } = rollup.addAudited(account, prepared.findings, prepared.exitCode);
      registers.push({ living: prepared.living, failing, runs: history.runs });
      outcomes.push({ account, kind: 'collected' });
      request.onPhase?.(`${account.id}:account`, performance.now() - started);
      request.onAccount?.(line);
      // The snapshot, the findings and the files' generators go out of scope here: only the line and the failing copies stay.
    }

    progress(`${outcomes.length} account(s) done; writing the organization's roll-up…`);
    const rollupStarted = performance.now();
    // Each IAM-039 finding is about one account (resourceName is its id): the roll-up's account column names it.
    const accountsById = new Map([...source.covered, ...source.skipped.map((s) => s.account)].map((a) => [a.id, a]));
    const coverage = organizationCoverageFindings({ facts, covered: source.covered, skipped: source.skipped, outcomes }).map((finding) => {
      const account = accountsById.get(finding.resourceName);
      return account ? { ...finding, account: { id: account.id, name: account.name, ouPath: ouPathText(account) } } : finding;
    });
    rollup.addOrganizationFindings(coverage);
    for (const account of source.covered) if (!outcomes.some((o) => o.account.id === account.id)) request.onAccount?.(rollup.addUnreachable(account, 'never reported', 'the source ended without this account'));

    // The roll-up lists accounts by id, not in the order they finished, so two packages compare line by line.
    rollup.accounts.sort((a, b) => a.id.localeCompare(b.id));
    const factsDate = new Date(facts.collectedAt);
    // Accounts the run did not read judge a permission set without their customer managed policies (unknown, never "no").
    const access = organizationAccess(facts, (instance, ps, accountId) => adminMarks.get(accountId)?.get(ps.arn) ?? permissionSetAdminMark(instance, ps, accountId, null, factsDate));
    if (facts.identityCenter.status === 'ok' && access.unreadable.length > 0) {
      warnings.add(`IAM Identity Center was read in part (${access.unreadable.join('; ')}): report.html's people × accounts is incomplete and ${IDENTITY_CENTER_ACCESS_CSV} was not written`);
    }
    const metas = tableControls(accountChecks.map((c) => c.meta), [coverageMeta]);
    // run.json lists every control the package judged: those of each account, and IAM-039 judged once.
    const run = organizationRunInfo(request, { startedAt, formats, controlScope, controls: metas.map((m) => m.controlId), rollup, warnings: [...warnings] });
    const organizationChecks: Check[] = metas.map((meta) => ({ meta, run: () => [] }));
    const orgRegisterName = `org-${facts.organization.id}`;
    const orgLiving = readLivingRegister(request.outDir, orgRegisterName, archive.packages);
    if (orgLiving.rebuiltFrom) warnings.add(`the living risk register ${orgLiving.path} was ${orgLiving.bytes ? 'empty' : 'missing'}; rebuilt from ${join(orgLiving.rebuiltFrom, LIVING_REGISTER)}, Owner and Notes included`);
    const prefixed = rollup.documented().map((f) => (f.account ? { ...f, resourceName: `${f.account.id}: ${f.resourceName}` } : f));
    // Accounts of the organization this run did not audit (left out by the selection, or unreachable) keep their entries.
    const audited = new Set(outcomes.filter((o) => o.kind === 'collected').map((o) => o.account.id));
    const nextOrgRegister = (rows: readonly RegisterRow[]) => keepUnauditedAccounts(rows, nextRiskRegister(rows, organizationChecks, prefixed, runDate), audited);
    const orgRegister = nextOrgRegister(orgLiving.rows);
    const matrix = complianceMatrixFromCounts(metas, rollup.byControl);
    const documented = rollup.documented();
    const files: Record<string, FileContent> = {
      'run.json': `${JSON.stringify(run, null, 2)}\n`,
      'organization.json': `${JSON.stringify(facts, null, 2)}\n`,
    };
    if (formats.includes('json')) files['findings.json'] = findingsJsonChunks(run, documented);
    if (formats.includes('csv')) {
      files['findings.csv'] = findingsCsvChunks(documented, { accounts: true });
      files['compliance-matrix.csv'] = complianceMatrixCsv(matrix);
      files['account-control-matrix.csv'] = accountControlMatrixCsv(rollup, metas);
      files[LIVING_REGISTER] = riskRegisterCsv(orgRegister);
      // Only when Identity Center was read whole: a partial list would pass for everyone who has access.
      if (access.unreadable.length === 0) files[IDENTITY_CENTER_ACCESS_CSV] = identityCenterAccessCsv(access);
    }
    if (formats.includes('html')) {
      files['report.html'] = organizationHtmlChunks({
        title: `HIPAA IAM audit — organization ${facts.organization.id} — ${startedAt.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC')}`,
        facts: [
          ['Organization', `${facts.organization.id} (management account ${facts.organization.masterAccountId})`],
          ['Facts read from', `${facts.readFrom.accountId} as ${facts.readFrom.arn}`],
          ['Source', source.description],
          ['Selection', selectionText(source.selection)],
          ['Run started', run.startedAt],
          ['Tool', `${TOOL.name} ${TOOL.version} (${request.command})`],
        ],
        rollup,
        controls: metas,
        matrix,
        register: orgRegister,
        skipped: run.skipped,
        identityCenter: access,
      });
    }
    writeFilesInto(temporary, files, { last: (fileHashes) => (Object.assign(hashes, fileHashes), {}) });
    request.onPhase?.('rollup', performance.now() - rollupStarted);

    const packageStarted = performance.now();
    const packageDir = withAccountLock(orgDir, () => {
      // Another organization run may have filed a package meanwhile: the chain links to the newest.
      const names = packageNames(orgDir);
      if (names.join('\n') !== archive.names.join('\n')) archive = readPackageArchive(orgDir);
      const previous = chainLink(archive.packages);
      const manifest = buildManifest(hashes, { tool: TOOL, accountId: facts.organization.masterAccountId, organizationId: facts.organization.id, runStartedAt: run.startedAt, previous });
      writeFilesInto(temporary, { [MANIFEST_FILE]: `${JSON.stringify(manifest, null, 2)}\n` });
      const target = renameIntoPlace(temporary, orgDir, runFolderName(startedAt));
      note(`the organization's package was written in full to ${target}${signer ? ', but its manifest is not signed' : ''}; the living registers were not updated`);
      try {
        for (const r of registers) makeFolders(dirname(r.living.path));
        for (const r of registers) carryRegisterForward(r.living, (rows) => nextRiskRegister(rows, accountChecks, r.failing, runDate), target, r.runs);
        carryRegisterForward(orgLiving, nextOrgRegister, target, archive.packages);
      } catch (error) {
        if (error instanceof CollectionError) throw error;
        throw new EvidenceWriteError(`the package is complete in ${target}, but the living registers were not all updated: ${errorMessage(error)} (the next run brings them up to date)`);
      }
      return target;
    }, request.lockTiming);
    request.onPhase?.('package', performance.now() - packageStarted);
    note(`the organization's package was written in full to ${packageDir}${signer ? ', but its manifest is not signed' : ''}`);
    if (signer) await signPackage(packageDir, signer, orgDir);
    note(`the organization's package was written in full to ${packageDir}`);
    return { packageDir, rollup, run, exitCode: organizationExitCode(rollup, request.failOn), warnings: run.warnings ?? [], findingsDocument: () => findingsJsonChunks(run, documented) };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    if (error instanceof InputError || error instanceof CollectionError || error instanceof EvidenceWriteError) throw error;
    throw new EvidenceWriteError(`cannot write the organization's package into ${orgDir}: ${errorMessage(error)}; nothing was written`);
  }
}

/** Whether each permission set reaching `accountId` is administrator access there, judged with the account's own details (its customer managed policies). */
function adminMarksIn(facts: OrganizationRunRequest['source']['facts'], accountId: string, snapshot: Snapshot): Map<string, AdminMark> {
  const marks = new Map<string, AdminMark>();
  const source = facts.identityCenter;
  if (source.status !== 'ok') return marks;
  const details = snapshot.sources.authorizationDetails.status === 'ok' ? snapshot.sources.authorizationDetails.data : null;
  const now = new Date(snapshot.collectedAt);
  for (const instance of source.data.instances) {
    if (instance.permissionSets.status !== 'ok') continue;
    for (const ps of instance.permissionSets.data) {
      if (accountsInScope(ps, { kind: 'account', accountId }).length > 0) marks.set(ps.arn, permissionSetAdminMark(instance, ps, accountId, details, now));
    }
  }
  return marks;
}

function organizationRunInfo(
  request: OrganizationRunRequest,
  run: { startedAt: Date; formats: Format[]; controlScope: 'full' | 'partial'; controls: string[]; rollup: OrganizationRollup; warnings: string[] },
): OrganizationRunInfo {
  const { facts, source } = { facts: request.source.facts, source: request.source };
  const factErrors = (['accounts', 'scps', 'organizationsFeatures', 'organizationTrails', 'organizationAnalyzers', 'identityCenter'] as const).flatMap((part) => {
    const value = facts[part];
    return value.status === 'error' ? [{ part, code: value.error.code, message: value.error.message }] : [];
  });
  const accounts = run.rollup.accounts.map(({ byControl: _byControl, ...rest }) => rest);
  return {
    tool: TOOL,
    command: request.command,
    scope: 'organization',
    controlScope: run.controlScope,
    organization: facts.organization,
    readFrom: facts.readFrom,
    source: source.description,
    selection: source.selection,
    factsCollectedAt: facts.collectedAt,
    factErrors,
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    controls: run.controls,
    ...(request.filters ? { filters: request.filters } : {}),
    formats: run.formats,
    statusCounts: run.rollup.totals,
    covered: source.covered.length,
    audited: accounts.filter((a) => a.outcome === 'audited').length,
    unreachable: accounts.filter((a) => a.outcome === 'unreachable').map((a) => ({ id: a.id, name: a.name, ouPath: a.ouPath, step: a.step ?? '', reason: a.reason ?? '' })),
    skipped: source.skipped.map((s) => ({ id: s.account.id, name: s.account.name, status: s.account.status, ouPath: ouPathText(s.account), why: s.why })),
    accounts,
    findings: ROLLUP_FINDINGS,
    ...(run.warnings.length ? { warnings: run.warnings } : {}),
  };
}

/** `--accounts 1,2 · --ou ou-x · --exclude-accounts 3 · role hipaa-iam-auditor (ExternalId given)`. */
export function selectionText(selection: AccountSelection): string {
  return [
    selection.accounts ? `accounts ${selection.accounts.join(', ')}` : 'every ACTIVE account',
    selection.ous ? `under ${selection.ous.join(', ')}` : '',
    selection.exclude.length ? `excluding ${selection.exclude.join(', ')}` : '',
    `role ${selection.roleName}${selection.externalId ? ' (ExternalId given)' : ''}`,
  ].filter(Boolean).join(' · ');
}

/** manifest.sig.json into a filed package, by way of a hidden name (as run.ts signs a run). Exit 3 naming the package on failure. */
async function signPackage(packageDir: string, signer: ManifestSigner, orgDir: string): Promise<void> {
  const temporary = join(orgDir, `.${runFolderName(new Date())}.sig.${process.pid}.partial`);
  try {
    const signature = await signer(readFileSync(join(packageDir, MANIFEST_FILE)));
    writeFileAtomically(temporary, `${JSON.stringify(signature, null, 2)}\n`);
    renameSync(temporary, join(packageDir, SIGNATURE_FILE));
  } catch (error) {
    throw new CollectionError(`the package is in ${packageDir}, but its manifest could not be signed (${errorMessage(error)}); it is unsigned`);
  }
}

/** One line per account for the terminal: `123456789012 name (Root/PHI): 3 FAIL, 40 PASS` or `… unreachable (assume-role: …)`. */
export function accountLine(account: RollupAccount): string {
  const where = account.ouPath ? ` (${account.ouPath})` : '';
  return account.outcome === 'audited' ? `${account.id} ${account.name}${where}: ${countsText(account.statusCounts)}` : `${account.id} ${account.name}${where}: unreachable (${account.step}: ${account.reason})`;
}

/**
 * The organization's register after a run that did not audit every account: an account the run
 * did not read (left out by --accounts, --ou or --exclude-accounts, or unreachable) is no evidence
 * that its risks were fixed. Its entries (`<account-id>: …` in Affected Resources) are carried
 * from the previous register, and a risk still affecting such an account stays Open (or Accepted)
 * as it was, last seen when it was last seen, instead of closing. Rows are matched by risk id.
 */
export function keepUnauditedAccounts(previous: readonly RegisterRow[], next: RegisterRow[], audited: ReadonlySet<string>): RegisterRow[] {
  const before = new Map(previous.map((row) => [row.riskId, row]));
  return next.map((row) => {
    const old = before.get(row.riskId);
    if (!old || (old.status !== 'Open' && old.status !== 'Accepted')) return row;
    const entries = (text: string) => text.split('; ').filter(Boolean);
    const carried = entries(old.affectedResources).filter((entry) => {
      const id = /^(\d{12}): /.exec(entry)?.[1];
      return id !== undefined && !audited.has(id);
    });
    if (carried.length === 0) return row;
    const affectedResources = [...new Set([...entries(row.status === 'Open' || row.status === 'Accepted' ? row.affectedResources : ''), ...carried])].join('; ');
    if (row.status === 'Open' || row.status === 'Accepted') return { ...row, affectedResources };
    return { ...row, status: old.status, closedOn: old.closedOn, lastSeen: old.lastSeen, affectedResources };
  });
}
