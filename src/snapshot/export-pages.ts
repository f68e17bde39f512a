import { InputError } from '../errors.js';

/**
 * A paged AWS CLI export the importer reads. The CLI fetches every page itself unless told
 * not to: `--max-items N` leaves a top-level `NextToken` (an opaque CLI token for
 * `--starting-token`), `--no-paginate` leaves the API's `IsTruncated: true` and `Marker`.
 */
export interface PagedExport {
  /** The lists a page holds, each item one IAM entity. */
  lists: readonly string[];
  /** What a list calls its items in a message, e.g. `user`. */
  itemLabel: Readonly<Record<string, string>>;
  /** The field naming an item uniquely (an ARN or a serial number). */
  identity: string;
  /**
   * How merged pages are checked for a missing page: the number of items of a list that
   * GetAccountSummary's SummaryMap counts. Without any, several pages cannot be checked and
   * are refused.
   */
  summaryCounts: readonly { list: string; summaryKey: string; label: string; count: (items: readonly Record<string, unknown>[]) => number }[];
}

const all = (items: readonly unknown[]) => items.length;
/** SummaryMap's Policies counts customer managed policies; the details also list the AWS managed ones in use. */
const customerManaged = (items: readonly Record<string, unknown>[]) =>
  items.filter((p) => !(typeof p.Arn === 'string' && /^arn:aws[a-z-]*:iam::aws:/.test(p.Arn))).length;

export const PAGED_EXPORTS = {
  authorizationDetails: {
    lists: ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'],
    itemLabel: { UserDetailList: 'user', GroupDetailList: 'group', RoleDetailList: 'role', Policies: 'managed policy' },
    identity: 'Arn',
    summaryCounts: [
      { list: 'UserDetailList', summaryKey: 'Users', label: 'users', count: all },
      { list: 'GroupDetailList', summaryKey: 'Groups', label: 'groups', count: all },
      { list: 'RoleDetailList', summaryKey: 'Roles', label: 'roles', count: all },
      { list: 'Policies', summaryKey: 'Policies', label: 'customer managed policies', count: customerManaged },
    ],
  },
  roles: {
    lists: ['Roles'],
    itemLabel: { Roles: 'role' },
    identity: 'Arn',
    summaryCounts: [{ list: 'Roles', summaryKey: 'Roles', label: 'roles', count: all }],
  },
  virtualMfaDevices: {
    lists: ['VirtualMFADevices'],
    itemLabel: { VirtualMFADevices: 'virtual MFA device' },
    identity: 'SerialNumber',
    // SummaryMap's MFADevices counts hardware devices too: nothing to check virtual pages against.
    summaryCounts: [],
  },
} as const satisfies Record<string, PagedExport>;

/** Where an export's pages are: page 1 is `<base>.json` (or `<base>-1.json`), page N `<base>-N.json`. */
export interface ExportFiles {
  base: string;
  /** The command that exports it whole. */
  command: string;
}

/** One page file as read from the import folder. */
export interface ExportPage {
  file: string;
  value: Record<string, unknown>;
}

/** The merged lists, and what was merged (for the snapshot's description). */
export interface MergedExport {
  lists: Record<string, Record<string, unknown>[]>;
  files: string[];
  /** Items found identically on more than one page, kept once. */
  identicalDuplicates: number;
}

/**
 * A page file's number under the naming rule, null for a file of another export, or
 * 'misnamed' for `<base>…json` that fits no page name (refused: it may be a page).
 */
export function pageNumber(spec: ExportFiles, fileName: string): number | 'misnamed' | null {
  if (!fileName.startsWith(spec.base) || !fileName.endsWith('.json')) return null;
  if (fileName === `${spec.base}.json`) return 1;
  const number = new RegExp(`^${spec.base}-([1-9][0-9]*)\\.json$`).exec(fileName)?.[1];
  return number === undefined ? 'misnamed' : Number(number);
}

/** The fields by which a page says more follow: NextToken (--max-items), IsTruncated/Marker (--no-paginate). */
export function continuationOf(page: Record<string, unknown>): string[] {
  const fields: string[] = [];
  if (typeof page.NextToken === 'string' && page.NextToken !== '') fields.push('NextToken');
  if (page.IsTruncated === true) fields.push('IsTruncated');
  if (typeof page.Marker === 'string' && page.Marker !== '' && page.IsTruncated !== false) fields.push('Marker');
  return fields;
}

/**
 * Merges the page files of one export into whole lists, or throws one InputError line saying
 * how to export whole. Neither the CLI's NextToken (opaque) nor a `--starting-token` page
 * records where it started, so pages cannot be chained token to token. "Complete" therefore
 * means, and is all this can establish:
 * - the pages are numbered 1..N without a gap;
 * - every page but N carries a continuation, and page N carries none (it is the last);
 * - an entity on several pages is identical on each (kept once: an overlap of two exports of
 *   the same moment loses nothing); different content on two pages is refused (pages of
 *   different moments);
 * - when N > 1, the merged lists hold as many entities as GetAccountSummary counts
 *   (`summaryMap`), the only evidence that no middle page is missing; an export with no such
 *   count, or an import without the summary, is refused in several pages.
 */
export function mergeExportPages(spec: PagedExport & ExportFiles, pages: readonly (ExportPage & { number: number })[], summaryMap: Readonly<Record<string, number>> | null): MergedExport {
  const sorted = [...pages].sort((a, b) => a.number - b.number);
  const reexport = `re-export whole (${spec.command})`;
  for (let i = 0; i < sorted.length; i++) {
    const page = sorted[i]!;
    if (page.number !== i + 1) {
      if (sorted[i - 1]?.number === page.number) throw new InputError(`${sorted[i - 1]!.file} and ${page.file} are both page ${page.number} of ${spec.base}: keep one`);
      throw new InputError(`page ${i + 1} of ${spec.base} (${spec.base}${i === 0 ? '' : `-${i + 1}`}.json) is missing beside ${page.file}: add it, or ${reexport}`);
    }
    if (!spec.lists.some((list) => Array.isArray(page.value[list]))) {
      throw new InputError(`${page.file}: not the output of ${spec.command.split(' ')[2] ?? spec.command} (no ${spec.lists.join(', ')})`);
    }
  }
  const last = sorted[sorted.length - 1]!;
  const lastContinues = continuationOf(last.value);
  if (sorted.length === 1 && lastContinues.length > 0) {
    const orPages = spec.summaryCounts.length > 0 ? `, or add every page as ${spec.base}-N.json` : '';
    throw new InputError(`${last.file} is a truncated page (it carries ${lastContinues.join(' and ')}): re-export without --max-items/--no-paginate (${spec.command})${orPages}`);
  }
  if (sorted.length > 1) {
    if (spec.summaryCounts.length === 0) {
      throw new InputError(`${spec.base} in ${sorted.length} pages cannot be checked for a missing page (GetAccountSummary counts nothing to compare): ${reexport}`);
    }
    if (lastContinues.length > 0) {
      throw new InputError(`${last.file}, the last page, carries ${lastContinues.join(' and ')}: the pages after it are missing; add them as ${spec.base}-${last.number + 1}.json…, or ${reexport}`);
    }
    const early = sorted.slice(0, -1).find((page) => continuationOf(page.value).length === 0);
    if (early) throw new InputError(`${early.file} carries no NextToken (nor IsTruncated/Marker), so it is a last page, yet ${last.file} follows it: the pages are from different exports; ${reexport}`);
  }

  const lists: Record<string, Record<string, unknown>[]> = {};
  const seen = new Map<string, { file: string; canonical: string }>();
  let identicalDuplicates = 0;
  for (const list of spec.lists) {
    lists[list] = [];
    for (const page of sorted) {
      const items = page.value[list];
      if (!Array.isArray(items)) continue;
      for (const item of items as Record<string, unknown>[]) {
        const id = item && typeof item === 'object' ? item[spec.identity] : undefined;
        if (typeof id !== 'string' || sorted.length === 1) {
          lists[list].push(item);
          continue;
        }
        const key = `${list} ${id}`;
        const canonical = canonicalJson(item);
        const earlier = seen.get(key);
        if (!earlier) {
          seen.set(key, { file: page.file, canonical });
          lists[list].push(item);
        } else if (earlier.canonical === canonical) {
          identicalDuplicates++;
        } else {
          throw new InputError(`${spec.itemLabel[list] ?? list} ${id} differs between ${earlier.file} and ${page.file}: the pages are from different exports; ${reexport}`);
        }
      }
    }
  }

  if (sorted.length > 1) {
    if (summaryMap === null) {
      throw new InputError(`${spec.base} in ${sorted.length} pages can be checked for a missing page only against account-summary.json: add it (aws iam get-account-summary --output json > account-summary.json), or ${reexport}`);
    }
    for (const { list, summaryKey, label, count } of spec.summaryCounts) {
      const counted = summaryMap[summaryKey];
      if (typeof counted !== 'number') throw new InputError(`account-summary.json has no ${summaryKey} count to check the ${sorted.length} pages of ${spec.base} against: ${reexport}`);
      const held = count(lists[list] ?? []);
      if (held !== counted) {
        throw new InputError(
          `the ${sorted.length} pages of ${spec.base} hold ${held} ${label} but account-summary.json counts ${counted} (${summaryKey}): a page is missing or the account changed between exports; export the pages and the summary again, or ${reexport}`,
        );
      }
    }
  }
  return { lists, files: sorted.map((page) => page.file), identicalDuplicates };
}

/** JSON with object keys sorted, so the same entity written in another key order compares equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
