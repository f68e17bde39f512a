import { z } from 'zod';
import { accessAnalyzerSchema, callCountSchema, identityCenterSchema, serviceControlPolicySchema, sourceResult, trailSchema } from '../snapshot/schema.js';

// What an organization-wide run (`--organization`) reads once, from the management account or a
// delegated administrator, and lays over every member account's own snapshot (DESIGN.md: "An
// organization run is many single-account runs plus facts collected once"). Each part is its data
// or the error that stopped it, as a snapshot's sources are: an unreadable part is never "none".

export const ORGANIZATION_FACTS_SCHEMA_VERSION = 1;

/** One organizational unit (or the root) on an account's path. */
export const organizationalUnitSchema = z.object({
  /** `r-…` for the root, `ou-…` for an OU. */
  id: z.string(),
  name: z.string(),
});

/** An account of the organization as organizations:ListAccounts lists it, with its place in the tree. */
export const organizationAccountSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE (ListAccounts' Status; only ACTIVE accounts are audited). */
  status: z.string(),
  /** From the root down to the account's parent OU (organizations:ListParents, DescribeOrganizationalUnit / ListRoots). */
  ouPath: z.array(organizationalUnitSchema),
  /** The management account (DescribeOrganization's MasterAccountId). */
  management: z.boolean(),
});

/** Where an SCP is attached (organizations:ListTargetsForPolicy). */
export const policyTargetSchema = z.object({
  targetId: z.string(),
  type: z.enum(['ROOT', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']),
  name: z.string(),
});

export const targetedScpSchema = serviceControlPolicySchema.extend({ targets: z.array(policyTargetSchema) });

export const organizationFactsSchema = z.object({
  schemaVersion: z.literal(ORGANIZATION_FACTS_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  collectedAt: z.iso.datetime({ offset: true }),
  /** The account and identity the facts were read with: the management account or a delegated administrator. */
  readFrom: z.object({ accountId: z.string(), arn: z.string() }),
  organization: z.object({ id: z.string(), arn: z.string(), masterAccountId: z.string(), featureSet: z.string() }),
  /** Every account of the organization, whatever its status (organizations:ListAccounts, paged). */
  accounts: sourceResult(z.array(organizationAccountSchema)),
  /** Service control policies with their targets (ListPolicies, DescribePolicy, ListTargetsForPolicy). */
  scps: sourceResult(z.array(targetedScpSchema)),
  /** iam:ListOrganizationsFeatures: the centralized root access features enabled (RootCredentialsManagement, RootSessions). */
  organizationsFeatures: sourceResult(z.object({ enabledFeatures: z.array(z.string()) })),
  /** Organization trails (IsOrganizationTrail) as the management account sees them, each with its status and selectors. */
  organizationTrails: sourceResult(z.array(trailSchema)),
  /**
   * ORGANIZATION analyzers by region, read in the account that holds them (Access Analyzer's
   * delegated administrator, else the management account), and which account that was.
   */
  organizationAnalyzers: sourceResult(accessAnalyzerSchema.extend({ accountId: z.string() })),
  /**
   * IAM Identity Center read once, in the account that holds the organization's instance (the
   * management account or Identity Center's delegated administrator); each member's findings judge
   * what reaches that member. Folders saved before it was read hold the error below, never "none".
   */
  identityCenter: sourceResult(identityCenterSchema).default({
    status: 'error',
    error: { code: 'NotInSnapshot', message: 'this organization folder was saved before hipaa-iam read IAM Identity Center; collect again to judge it' },
  }),
  collection: z.object({ startedAt: z.string(), finishedAt: z.string(), calls: z.record(z.string(), callCountSchema) }),
});

export type OrganizationFacts = z.infer<typeof organizationFactsSchema>;
export type OrganizationAccount = z.infer<typeof organizationAccountSchema>;
export type OrganizationalUnit = z.infer<typeof organizationalUnitSchema>;
export type PolicyTarget = z.infer<typeof policyTargetSchema>;
export type TargetedScp = z.infer<typeof targetedScpSchema>;

/**
 * What a member account's checks know of its organization in an organization-wide run
 * (CheckContext.organization): the facts read once, and the account's own entry in them. null
 * in a single-account run, where checks judge from the account's own sources alone.
 */
export interface OrganizationContext {
  readonly facts: OrganizationFacts;
  readonly account: OrganizationAccount;
}

/** `Root/PHI/Prod`: an account's OU path as findings and reports show it. */
export function ouPathText(account: Pick<OrganizationAccount, 'ouPath'>): string {
  return account.ouPath.map((ou) => ou.name).join('/');
}
