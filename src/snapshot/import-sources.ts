import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { accessAnalyzerFromRegions, activeAnalyzers, analyzersFromAnswer, enabledRegionsFromAnswer, findingsFromAnswer, regionListError } from '../collect/access-analyzer-answers.js';
import { trailEventSelectors, trailFromAnswer, trailsFromAnswer, trailStatus, type TrailAnswer } from '../collect/cloudtrail-answers.js';
import {
  assignmentsFromAnswer,
  awsManagedPolicyArns,
  customerManagedPoliciesFromAnswer,
  defaultVersionFromAnswer,
  groupsFromAnswer,
  inlinePolicyFromAnswer,
  instancesFromAnswer,
  isNoPermissionsBoundary,
  managedPoliciesFromAnswer,
  managedPolicyDocumentFromAnswer,
  membershipsFromAnswer,
  permissionSetArnsFromAnswer,
  permissionSetFromAnswer,
  permissionsBoundaryFromAnswer,
  provisionedAccountsFromAnswer,
  usersFromAnswer,
  type InstanceFacts,
} from '../collect/identity-center-answers.js';
import { identityProvidersFromAnswers } from '../collect/identity-provider-answers.js';
import { isNotInOrganization, organizationFromAnswer, policySummariesFromAnswer, scpFromAnswer, withScpsUnreadable } from '../collect/organizations-answers.js';
import { codedError, sourceError, type Result } from '../collect/source-error.js';
import { errorMessage, InputError } from '../errors.js';
import { continuationOf } from './export-pages.js';
import { filled, IMPORT_FILES, type ExportFileSpec, type ImportFileName } from './import-files.js';
import { accessAnalyzerSchema, cloudTrailSchema, identityCenterSchema, identityProvidersSchema, organizationsSchema, type IdentityCenterInstance, type PermissionSet, type SourceError, type Sources } from './schema.js';
import { describeZodError } from './zod-issue.js';

/** How the readers reach the export folder: the importer's own reading, so its messages apply. */
export interface ExportFolder {
  dir: string;
  /** The file's text, null when it is not there; unreadable is an InputError. */
  text(file: string): string | null;
  /** The JSON object the file holds, null when it is not there; anything else is an InputError. */
  json(file: string): Record<string, unknown> | null;
}

type FurtherSources = Pick<Sources, 'identityProviders' | 'cloudTrail' | 'organizations' | 'accessAnalyzer' | 'identityCenter'>;

/**
 * SAML and OIDC providers, CloudTrail, Organizations, Access Analyzer and IAM Identity Center from the AWS CLI's
 * exports (the files of IMPORT_FILES), through the live collector's own mappings, so each source
 * has the shape and the verdicts on errors that a live run gives it:
 * - a file not there is NotInImport for what needed it (the source, or one trail's status or
 *   one region), naming the command that makes it;
 * - `<file>.error` (the CLI's stderr, written by examples/export-account.sh) is that call's
 *   failure with AWS's code and message, read as live reads the same error (not in an
 *   organization, SCPs denied to a member account, or ERROR);
 * - a file that is not the command's output (no list it always has, not JSON, a truncated
 *   page, a file beside its own .error, a name that could leave the folder) is an InputError.
 */
export function importFurtherSources(folder: ExportFolder): FurtherSources {
  refuseFilesBesideTheirErrors(folder.dir);
  const read = reader(folder);
  return {
    identityProviders: sourceFrom(folder, 'identity-providers', identityProvidersSchema, () =>
      identityProvidersFromAnswers(read.answer('samlProviders'), read.answer('oidcProviders')),
    ),
    cloudTrail: sourceFrom(folder, 'cloudtrail', cloudTrailSchema, () => {
      const region = trailsRegion(folder);
      const trails = trailsFromAnswer(read.answer('trails', { region }));
      return {
        region,
        trails: trails.map((trail) => {
          const files = () => trailFiles(trail);
          return trailFromAnswer(
            trail,
            region,
            partResult(() => trailStatus(read.answer('trailStatus', files()))),
            partResult(() => trailEventSelectors(read.answer('eventSelectors', files()))),
          );
        }),
      };
    }),
    organizations: sourceFrom(folder, 'organizations', organizationsSchema, () => {
      let organization;
      try {
        organization = organizationFromAnswer(read.answer('organization'));
      } catch (error) {
        if (isNotInOrganization(error)) return { inOrganization: false as const };
        throw error;
      }
      try {
        const summaries = policySummariesFromAnswer(read.answer('policies'));
        const scps = summaries.map((summary) => scpFromAnswer(summary, read.answer('policy', { 'policy-id': String(summary.Id ?? '') })));
        return { inOrganization: true as const, organization, scps, scpsUnavailable: null };
      } catch (error) {
        if (error instanceof InputError) throw error;
        return withScpsUnreadable(organization, error);
      }
    }),
    accessAnalyzer: sourceFrom(folder, 'access-analyzer', accessAnalyzerSchema, () => {
      const { regionSource, regions } = analyzerRegions(folder, read);
      const results = regions.map(
        (region) =>
          [
            region,
            partResult(() => {
              const analyzers = analyzersFromAnswer(read.answer('analyzers', { region }));
              const findings = activeAnalyzers(analyzers).flatMap((analyzer) =>
                findingsFromAnswer(read.answer('findings', { region, 'analyzer-name': analyzerName(analyzer.arn), 'analyzer-arn': analyzer.arn }), analyzer.arn),
              );
              return { analyzers, findings };
            }),
          ] as const,
      );
      return accessAnalyzerFromRegions(regionSource, results);
    }),
    identityCenter: sourceFrom(folder, 'identity-center', identityCenterSchema, () => {
      const region = identityCenterRegion(folder);
      const instances = instancesFromAnswer(read.answer('identityCenterInstances', { region }));
      return { region, instances: instances.map((instance) => importInstance(read, region, instance)) };
    }),
  };
}

/** One instance's parts, each its data or its error, as collectIdentityCenter reads them live. */
function importInstance(read: ReturnType<typeof reader>, region: string, instance: InstanceFacts): IdentityCenterInstance {
  const at = { region, 'instance-id': lastPart(instance.instanceArn), 'instance-arn': instance.instanceArn, 'identity-store-id': instance.identityStoreId };
  const permissionSets = partResult(() =>
    permissionSetArnsFromAnswer(read.answer('permissionSets', at)).map((arn): PermissionSet => {
      const set = { ...at, 'permission-set-id': lastPart(arn), 'permission-set-arn': arn };
      let permissionsBoundary: PermissionSet['permissionsBoundary'];
      try {
        permissionsBoundary = permissionsBoundaryFromAnswer(read.answer('permissionSetBoundary', set));
      } catch (error) {
        if (!isNoPermissionsBoundary(error)) throw error;
        permissionsBoundary = null;
      }
      const accounts = provisionedAccountsFromAnswer(read.answer('permissionSetAccounts', set));
      return {
        ...permissionSetFromAnswer(read.answer('permissionSet', set), arn),
        awsManagedPolicies: managedPoliciesFromAnswer(read.answer('permissionSetManagedPolicies', set)),
        customerManagedPolicies: customerManagedPoliciesFromAnswer(read.answer('permissionSetCustomerManagedPolicies', set)),
        inlinePolicy: inlinePolicyFromAnswer(read.answer('permissionSetInlinePolicy', set), arn),
        permissionsBoundary,
        accounts,
        assignments: accounts.flatMap((accountId) => assignmentsFromAnswer(read.answer('accountAssignments', { ...set, 'account-id': accountId }), accountId)),
      };
    }),
  );
  const identityStore = partResult(() => {
    const groups = groupsFromAnswer(read.answer('identityStoreGroups', at));
    return {
      users: usersFromAnswer(read.answer('identityStoreUsers', at)),
      groups,
      memberships: groups.flatMap((group) => membershipsFromAnswer(read.answer('groupMemberships', { ...at, 'group-id': group.id }), group.id)),
    };
  });
  const arns = permissionSets.status === 'ok' ? awsManagedPolicyArns(permissionSets.data) : [];
  const awsManagedPolicyDocuments = Object.fromEntries(
    arns.map((arn) => {
      const policy = { 'policy-name': lastPart(arn), 'policy-arn': arn };
      return [
        arn,
        partResult(() => {
          const versionId = defaultVersionFromAnswer(read.answer('awsManagedPolicy', policy));
          return managedPolicyDocumentFromAnswer(read.answer('awsManagedPolicyVersion', { ...policy, 'version-id': versionId }), arn, versionId);
        }),
      ] as const;
    }),
  );
  return { ...instance, permissionSets, identityStore, awsManagedPolicyDocuments };
}

/** The last part of an ARN (`…/ssoins-…`, `…/ps-…`, `…/ReadOnlyAccess`), which names an item's export files. */
function lastPart(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The region whose list-instances the folder holds: the one folder of identity-center/ with it (or its .error). */
function identityCenterRegion(folder: ExportFolder): string {
  const base = join(folder.dir, 'identity-center');
  const regions = subfolders(base).filter((region) => ['list-instances.json', 'list-instances.json.error'].some((file) => existsSync(join(base, region, file))));
  if (regions.length > 1) {
    throw new InputError(`${base} holds list-instances from ${regions.length} regions (${regions.join(', ')}): keep the one of the region the IAM Identity Center instance is in`);
  }
  if (regions.length === 0) {
    throw codedError('NotInImport', `${IMPORT_FILES.identityCenterInstances.file} is not in ${folder.dir} (make it with: ${IMPORT_FILES.identityCenterInstances.command}, or export again with examples/export-account.sh)`);
  }
  return regions[0]!;
}

/**
 * The failure `<file>.error` records, as AWS's code and message, or null when there is none.
 * The AWS CLI writes `An error occurred (Code) when calling the Operation operation: message`;
 * any other text (no connection, no credentials) is kept as it is, under ExportFailed.
 */
export function recordedFailure(folder: ExportFolder, file: string): SourceError | null {
  const text = folder.text(`${file}.error`);
  return text === null ? null : cliFailure(text, file);
}

function cliFailure(stderr: string, file: string): SourceError {
  const oneLine = stderr.replace(/\s+/g, ' ').trim();
  const aws = /An error occurred \(([^)]+)\) when calling the (\w+) operation(?: \([^)]*\))?: (.*)$/.exec(oneLine);
  if (aws) return { code: aws[1]!, message: clip(aws[3]!.trim() || `${aws[2]} failed`) };
  return { code: 'ExportFailed', message: clip(oneLine ? `the export of ${file} failed: ${oneLine}` : `the export of ${file} failed without a message`) };
}

/** An HTML error page or a long stack must not flood a finding. */
function clip(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function reader(folder: ExportFolder) {
  return {
    /**
     * The answer an export file holds. Throws the call's recorded failure (coded, so the
     * collectors' own tests of AWS codes apply), NotInImport when the file is not there, or an
     * InputError when it is not the command's whole output.
     */
    answer(name: ImportFileName, values: Readonly<Record<string, string>> = {}): Record<string, unknown> {
      const spec: ExportFileSpec = IMPORT_FILES[name];
      for (const [key, value] of Object.entries(values)) {
        // Names come from the exports themselves: none may reach outside its folder.
        // ARNs name no file (they are the commands' arguments); ids do.
        if (!key.endsWith('-arn') && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) {
          throw new InputError(`${join(folder.dir, filled(spec.file, { ...values, [key]: `<${key}>` }))}: ${JSON.stringify(value)} is not a ${key.replace(/-/g, ' ')} the AWS CLI writes; re-export (examples/export-account.sh)`);
        }
      }
      const file = filled(spec.file, values);
      const path = join(folder.dir, file);
      const failure = recordedFailure(folder, file);
      if (failure) throw codedError(failure.code, failure.message);
      const value = folder.json(file);
      if (value === null) throw codedError('NotInImport', `${file} is not in ${folder.dir} (make it with: ${filled(spec.command, values)})`);
      const continues = [...continuationOf(value), ...(typeof value.nextToken === 'string' && value.nextToken !== '' ? ['nextToken'] : [])];
      if (continues.length > 0) {
        throw new InputError(`${path} is a truncated page (it carries ${continues.join(' and ')}): re-export without --max-items/--no-paginate (${filled(spec.command, values)})`);
      }
      const operation = spec.command.split(' ')[2] ?? spec.command;
      for (const field of spec.fields ?? []) {
        if (value[field] === null || typeof value[field] !== 'object') throw new InputError(`${path}: not the output of ${operation} (no ${field})`);
      }
      return value;
    },
  };
}

/** A part's data or its error; bad input is never a part's error, it stops the import. */
function partResult<T>(read: () => T): Result<T> {
  try {
    return { status: 'ok', data: read() };
  } catch (error) {
    if (error instanceof InputError) throw error;
    return { status: 'error', error: sourceError(error) };
  }
}

/** A source's data (held to the snapshot's schema: an export of the wrong types is bad input) or its error. */
function sourceFrom<T>(folder: ExportFolder, under: string, schema: z.ZodType<T>, read: () => T): Result<T> {
  const result = partResult(read);
  if (result.status === 'ok') {
    const parsed = schema.safeParse(result.data);
    if (!parsed.success) throw new InputError(`the exports under ${join(folder.dir, under)} are not what the AWS CLI writes${describeZodError(parsed.error)}; re-export (examples/export-account.sh)`);
  }
  return result;
}

/** The region whose describe-trails the folder holds: the one folder of cloudtrail/ with it (or its .error). */
function trailsRegion(folder: ExportFolder): string {
  const base = join(folder.dir, 'cloudtrail');
  const regions = subfolders(base).filter((region) => ['describe-trails.json', 'describe-trails.json.error'].some((file) => existsSync(join(base, region, file))));
  if (regions.length > 1) {
    throw new InputError(`${base} holds describe-trails from ${regions.length} regions (${regions.join(', ')}): keep the one of the region the export was made in`);
  }
  if (regions.length === 0) throw codedError('NotInImport', `${IMPORT_FILES.trails.file} is not in ${folder.dir} (make it with: ${IMPORT_FILES.trails.command})`);
  return regions[0]!;
}

/** The placeholders of a trail's files, from its ARN (arn:<partition>:cloudtrail:<home-region>:<account>:trail/<name>). */
function trailFiles(trail: TrailAnswer): Record<string, string> {
  const arn = String(trail.TrailARN ?? '');
  const parts = /^arn:[^:]+:cloudtrail:([^:]+):([^:]+):trail\/(.+)$/.exec(arn);
  if (!parts) throw new InputError(`${IMPORT_FILES.trails.file.replace('<region>', '…')}: trail ${JSON.stringify(trail.Name ?? arn)} has no trail ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>) to name its files by`);
  return { 'home-region': parts[1]!, 'trail-account': parts[2]!, 'trail-name': parts[3]!, 'trail-arn': arn };
}

/** An analyzer's files are named by the last part of its ARN (arn:…:analyzer/<name>), as the export script names them. */
function analyzerName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The regions to read, as live chooses them: the ones named (regions.txt), else DescribeRegions' enabled regions. */
function analyzerRegions(folder: ExportFolder, read: ReturnType<typeof reader>): { regionSource: 'ec2:DescribeRegions' | '--regions'; regions: string[] } {
  const named = folder.text(IMPORT_FILES.chosenRegions.file);
  const described = ['', '.error'].some((suffix) => existsSync(join(folder.dir, `${IMPORT_FILES.regions.file}${suffix}`)));
  if (named !== null && described) {
    throw new InputError(`${join(folder.dir, 'access-analyzer')} holds both ${IMPORT_FILES.chosenRegions.file} (regions named) and ${IMPORT_FILES.regions.file}: keep the one the export used`);
  }
  if (named !== null) {
    const regions = [...new Set(named.split(/[\s,]+/).filter(Boolean))];
    const bad = regions.filter((r) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r));
    if (bad.length > 0 || regions.length === 0) {
      throw new InputError(`${join(folder.dir, IMPORT_FILES.chosenRegions.file)}: ${bad.length > 0 ? `not a region name: ${bad.join(', ')}` : 'names no region'} (expected e.g. us-east-1 us-west-2)`);
    }
    return { regionSource: '--regions', regions };
  }
  if (!described) {
    throw codedError(
      'NotInImport',
      `neither ${IMPORT_FILES.regions.file} nor ${IMPORT_FILES.chosenRegions.file} is in ${folder.dir} (make one with: ${IMPORT_FILES.regions.command}, or name the regions: ${IMPORT_FILES.chosenRegions.command})`,
    );
  }
  try {
    return { regionSource: 'ec2:DescribeRegions', regions: enabledRegionsFromAnswer(read.answer('regions')) };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw regionListError(error);
  }
}

function subfolders(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}

/** A file beside its own `.error` is two exports of different moments: which one holds is unknown. */
function refuseFilesBesideTheirErrors(dir: string, depth = 0): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new InputError(`cannot read ${dir}: ${errorMessage(error)}`);
  }
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith('.error') && names.includes(name.slice(0, -'.error'.length))) {
      throw new InputError(`${join(dir, name.slice(0, -'.error'.length))} and its ${name} are both there (exports of two moments): delete the older, or export again into an empty folder`);
    }
    if (depth < 3 && !name.startsWith('.') && isFolder(path)) refuseFilesBesideTheirErrors(path, depth + 1);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
