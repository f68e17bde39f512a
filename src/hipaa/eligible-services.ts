import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { describeZodError } from '../snapshot/zod-issue.js';
import { CONTROL_PLANE } from './control-plane.js';
import { ELIGIBLE_SERVICES_DATA } from './eligible-services.data.js';

/**
 * The HIPAA-eligible services list: AWS's "HIPAA Eligible Services Reference" mapped to IAM
 * service prefixes, dated and sourced. A service is `eligible`, or `partial` when its prefix also
 * covers something the reference excludes (ElastiCache's Memcached engine, SageMaker's public
 * workforce, …): IAM cannot tell those apart, so a person must review them with the caveat.
 *
 * The control plane (identity, account settings, support, billing: src/hipaa/control-plane.ts) is
 * not on the eligible list and carries no PHI, so it is neither eligible nor a finding. It is
 * hipaa-iam's one list and applies whatever list is in use; a list's own optional `controlPlane`
 * only adds prefixes to it. Any other prefix is not eligible.
 *
 * The same shape is the file format of `--eligible-services FILE`.
 */

/** IAM service prefixes are lower case (`s3`, `execute-api`, `medical-imaging`). */
const prefixSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an IAM service prefix is lower-case letters, digits and hyphens (e.g. "s3", "execute-api")');

const sourceSchema = z
  .object({
    id: z.string().min(1),
    title: z.string().min(1),
    url: z.string().min(1).optional(),
    /** What the source was used for and how far it is trusted. */
    note: z.string().optional(),
  })
  .strict();

const serviceSchema = z
  .object({
    name: z.string().min(1),
    /** The IAM prefixes this service is used through; empty only with `noPrefixReason`. */
    prefixes: z.array(prefixSchema),
    eligibility: z.enum(['eligible', 'partial']),
    /** Required when partial: what the reference excludes that the prefix cannot tell apart. */
    caveat: z.string().min(1).optional(),
    noPrefixReason: z.string().min(1).optional(),
    note: z.string().min(1).optional(),
    /** The `id` of the entry in `sources` that names this service as eligible. */
    source: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((service, ctx) => {
    if (service.eligibility === 'partial' && !service.caveat) {
      ctx.addIssue({ code: 'custom', path: ['caveat'], message: `${service.name} is partial, so it needs a caveat saying what is excluded` });
    }
    if (service.prefixes.length === 0 && !service.noPrefixReason) {
      ctx.addIssue({ code: 'custom', path: ['prefixes'], message: `${service.name} has no IAM prefix, so it needs a noPrefixReason` });
    }
    const seen = new Set<string>();
    for (const prefix of service.prefixes) {
      if (seen.has(prefix)) ctx.addIssue({ code: 'custom', path: ['prefixes'], message: `${service.name} lists prefix ${prefix} twice` });
      seen.add(prefix);
    }
  });

const controlPlaneSchema = z.object({ prefix: prefixSchema, reason: z.string().min(1) }).strict();

export const eligibleServicesListSchema = z
  .object({
    /** The date the list was compiled: what it says was true as of that day. */
    asOf: z.iso.date(),
    sources: z.array(sourceSchema).min(1),
    services: z.array(serviceSchema).min(1),
    /** Prefixes this list adds to hipaa-iam's control plane (src/hipaa/control-plane.ts); optional. */
    controlPlane: z.array(controlPlaneSchema).default([]),
    notes: z.array(z.string()).optional(),
  })
  .strict()
  .superRefine((list, ctx) => {
    const sourceIds = new Set(list.sources.map((s) => s.id));
    const names = new Set<string>();
    const eligible = new Set<string>();
    list.services.forEach((service, i) => {
      if (names.has(service.name)) ctx.addIssue({ code: 'custom', path: ['services', i, 'name'], message: `service ${service.name} is listed twice` });
      names.add(service.name);
      if (service.source !== undefined && !sourceIds.has(service.source)) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'source'], message: `${service.name} cites source ${service.source}, which is not in sources` });
      }
      for (const prefix of service.prefixes) eligible.add(prefix);
    });
    const controlPlane = new Set<string>();
    list.controlPlane.forEach((entry, i) => {
      if (controlPlane.has(entry.prefix)) ctx.addIssue({ code: 'custom', path: ['controlPlane', i, 'prefix'], message: `control-plane prefix ${entry.prefix} is listed twice` });
      if (eligible.has(entry.prefix)) {
        ctx.addIssue({ code: 'custom', path: ['controlPlane', i, 'prefix'], message: `${entry.prefix} is both a service prefix and a control-plane prefix` });
      }
      controlPlane.add(entry.prefix);
    });
  });

export type EligibleServicesList = z.infer<typeof eligibleServicesListSchema>;
export type EligibleService = EligibleServicesList['services'][number];
/** What a hand-written list must look like before validation. */
export type EligibleServicesInput = z.input<typeof eligibleServicesListSchema>;

/** The list shipped with hipaa-iam (src/hipaa/eligible-services.data.ts), validated once on load. */
export const BUILT_IN_ELIGIBLE_SERVICES: EligibleServicesList = eligibleServicesListSchema.parse(ELIGIBLE_SERVICES_DATA);

/** Reads a user-supplied list (`--eligible-services FILE`); anything wrong is one InputError line naming the file. */
export function loadEligibleServicesFile(path: string): EligibleServicesList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read eligible-services file ${path}: ${oneLine(errorMessage(error))}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`eligible-services file ${path} is not valid JSON: ${oneLine(errorMessage(error))}`);
  }
  const parsed = eligibleServicesListSchema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(`eligible-services file ${path} is not a valid eligible-services list${oneLine(describeZodError(parsed.error))}`);
  }
  return parsed.data;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** How one IAM service prefix stands against the list. */
export type PrefixClassification =
  | { status: 'eligible'; prefix: string; services: string[] }
  | { status: 'partial'; prefix: string; services: string[]; caveats: string[] }
  | { status: 'control-plane'; prefix: string; reason: string }
  | { status: 'not-eligible'; prefix: string };

export interface EligibleServicesIndex {
  readonly list: EligibleServicesList;
  /** Case-insensitive, as IAM reads prefixes. */
  classify(prefix: string): PrefixClassification;
  /** Prefixes of eligible and partial services, sorted. */
  readonly servicePrefixes: readonly string[];
  /** hipaa-iam's control plane plus the list's own additions, less any the list names as a service; sorted. */
  readonly controlPlanePrefixes: readonly string[];
}

/**
 * Builds the prefix lookup that the checks and the policy generators use (O(services); a caller
 * classifying many prefixes builds it once and keeps it for its run, nothing here keeps it).
 * A prefix the list names as a service is judged as that service (AWS Organizations and RAM are
 * eligible services, not control plane); otherwise the control plane of src/hipaa/control-plane.ts,
 * then the list's own `controlPlane` entries.
 */
export function indexEligibleServices(list: EligibleServicesList): EligibleServicesIndex {
  const byPrefix = new Map<string, EligibleService[]>();
  for (const service of list.services) {
    for (const prefix of service.prefixes) byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), service]);
  }
  const controlPlane = new Map<string, string>();
  for (const entry of [...CONTROL_PLANE, ...list.controlPlane]) {
    if (!byPrefix.has(entry.prefix) && !controlPlane.has(entry.prefix)) controlPlane.set(entry.prefix, entry.reason);
  }

  return {
    list,
    servicePrefixes: [...byPrefix.keys()].sort(),
    controlPlanePrefixes: [...controlPlane.keys()].sort(),
    classify(raw) {
      const prefix = raw.trim().toLowerCase();
      const services = byPrefix.get(prefix);
      if (services) {
        const names = services.map((s) => s.name);
        // A prefix shared by an eligible and a partial service (rds: Aurora and RDS) is only as
        // eligible as its weakest use: IAM cannot tell which one an action serves.
        const partial = services.filter((s) => s.eligibility === 'partial');
        if (partial.length > 0) return { status: 'partial', prefix, services: names, caveats: partial.map((s) => `${s.name}: ${s.caveat ?? ''}`) };
        return { status: 'eligible', prefix, services: names };
      }
      const reason = controlPlane.get(prefix);
      if (reason !== undefined) return { status: 'control-plane', prefix, reason };
      return { status: 'not-eligible', prefix };
    },
  };
}

/** Shorthand for one lookup (it indexes the list each call): eligible | partial (with caveats) | control-plane | not-eligible. */
export function classifyServicePrefix(list: EligibleServicesList, prefix: string): PrefixClassification {
  return indexEligibleServices(list).classify(prefix);
}

/**
 * The service prefix of an IAM action (`s3:GetObject` → `s3`), lower case; null for `*`, for
 * text without a colon, and for a prefix holding a wildcard (`iot*:*`), which names no one service.
 */
export function prefixOfAction(action: string): string | null {
  const colon = action.indexOf(':');
  if (colon <= 0) return null;
  const prefix = action.slice(0, colon).trim().toLowerCase();
  return /[*?]/.test(prefix) ? null : prefix;
}

/** What a finding cites so an auditor knows which list judged it. */
export function eligibleServicesEvidence(list: EligibleServicesList): { eligibleServicesAsOf: string; eligibleServicesSources: string[] } {
  return {
    eligibleServicesAsOf: list.asOf,
    eligibleServicesSources: list.sources.map((s) => (s.url ? `${s.title} <${s.url}>` : s.title)),
  };
}

/**
 * A list older than this many days is said to be stale: AWS adds services to the reference
 * several times a year (the 2022 list lacked 27 services eligible by 2026).
 */
export const ELIGIBLE_SERVICES_STALE_AFTER_DAYS = 180;

/** The list a run judged by, and how old it was: recorded in run.json as `eligibleServices`. */
export interface EligibleServicesAge {
  /** The list's "as of" date (YYYY-MM-DD). */
  asOf: string;
  /** Its sources, as eligibleServicesEvidence cites them. */
  sources: string[];
  /** Whole days from `asOf` (00:00 UTC) to the run's start; negative when the list is dated later. */
  ageDays: number;
  staleAfterDays: number;
  /** ageDays > staleAfterDays. */
  stale: boolean;
}

const DAY_MS = 86_400_000;

/** How old `list` is at `runStartedAt` (pure; the user's own list is judged by its own date). */
export function eligibleServicesAge(list: EligibleServicesList, runStartedAt: Date): EligibleServicesAge {
  const ageDays = Math.floor((runStartedAt.getTime() - Date.parse(`${list.asOf}T00:00:00Z`)) / DAY_MS);
  return {
    asOf: list.asOf,
    sources: eligibleServicesEvidence(list).eligibleServicesSources,
    ageDays,
    staleAfterDays: ELIGIBLE_SERVICES_STALE_AFTER_DAYS,
    stale: ageDays > ELIGIBLE_SERVICES_STALE_AFTER_DAYS,
  };
}

/**
 * One line for the terminal when the list is stale, or dated after the run (a mistyped asOf
 * would otherwise silence the stale warning for years), else null. `builtIn`: whether the list
 * is hipaa-iam's own, which decides what to advise.
 */
export function staleEligibleServicesWarning(age: EligibleServicesAge, builtIn = true): string | null {
  const advice = builtIn ? 'pass your own list with --eligible-services FILE' : 'update the list you passed with --eligible-services';
  if (age.ageDays < 0) {
    return `the HIPAA-eligible services list is dated ${age.asOf}, ${-age.ageDays} days after this run: check its asOf date (a wrong date would hide that the list is out of date)`;
  }
  if (!age.stale) return null;
  return `the HIPAA-eligible services list is dated ${age.asOf}, ${age.ageDays} days before this run (more than ${age.staleAfterDays}): AWS may have made more services eligible since; check https://aws.amazon.com/compliance/hipaa-eligible-services-reference/ and ${advice}`;
}
