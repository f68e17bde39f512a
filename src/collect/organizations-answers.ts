import type { DescribeOrganizationCommandOutput, DescribePolicyCommandOutput, ListPoliciesCommandOutput } from '@aws-sdk/client-organizations';
import { decodePolicyDocument, PolicyDocumentError } from '../policy/document.js';
import type { OrganizationsData, ServiceControlPolicy } from '../snapshot/schema.js';
import type { Answer } from './answer.js';
import { codeAndMessage, errorCode, isAccessDenied, required, sourceError } from './source-error.js';

// Pure readers of the AWS answers, shared by the live collector and the importer of AWS CLI
// exports; apart from the calls so that an import (offline) loads no SDK client. Types only from the SDK.

/** The organization part of OrganizationsData, before its SCPs are read. */
export type OrganizationFacts = Extract<OrganizationsData, { inOrganization: true }>['organization'];

/** One SCP as ListPolicies lists it. */
export type PolicySummaryAnswer = NonNullable<Answer<ListPoliciesCommandOutput>['Policies']>[number];

/** DescribeOrganization's error for an account in no organization: a fact ({ inOrganization: false }), not an unknown. */
export function isNotInOrganization(error: unknown): boolean {
  return errorCode(error) === 'AWSOrganizationsNotInUseException';
}

/** DescribeOrganization's answer; one without the organization throws. */
export function organizationFromAnswer(answer: Answer<DescribeOrganizationCommandOutput>): OrganizationFacts {
  const organization = answer.Organization;
  if (!organization) throw new Error('DescribeOrganization answered without an organization');
  return {
    id: organization.Id ?? '',
    arn: organization.Arn ?? '',
    masterAccountId: organization.MasterAccountId ?? '',
    featureSet: organization.FeatureSet ?? '',
  };
}

/**
 * The organization when its SCPs could not be read: AccessDenied (a member account) is kept as
 * the stated reason with scps null; any other error is the source's, and is thrown again.
 */
export function withScpsUnreadable(organization: OrganizationFacts, error: unknown): OrganizationsData {
  if (!isAccessDenied(error)) throw error;
  return { inOrganization: true, organization, scps: null, scpsUnavailable: codeAndMessage(sourceError(error)) };
}

/** ListPolicies' (Filter SERVICE_CONTROL_POLICY) SCPs of one page; a page without Policies is malformed. */
export function policySummariesFromAnswer(page: Answer<ListPoliciesCommandOutput>): PolicySummaryAnswer[] {
  return required(page.Policies, 'ListPolicies', 'Policies');
}

/** An SCP from its ListPolicies summary and DescribePolicy's answer; a document that is not a policy throws PolicyDocumentError. */
export function scpFromAnswer(summary: PolicySummaryAnswer, answer: Answer<DescribePolicyCommandOutput>): ServiceControlPolicy {
  const policy = required(answer.Policy, 'DescribePolicy', 'Policy');
  const name = policy.PolicySummary?.Name ?? summary.Name ?? summary.Id ?? '';
  let document;
  try {
    document = decodePolicyDocument(policy.Content ?? '');
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new PolicyDocumentError(`SCP ${name} (${summary.Id}): ${error.message}`);
    throw error;
  }
  return {
    id: policy.PolicySummary?.Id ?? summary.Id ?? '',
    arn: policy.PolicySummary?.Arn ?? summary.Arn ?? '',
    name,
    description: policy.PolicySummary?.Description || null,
    awsManaged: (policy.PolicySummary?.AwsManaged ?? summary.AwsManaged) === true,
    document,
  };
}
