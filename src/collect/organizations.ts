import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  paginateListPolicies,
  type Organization,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { decodePolicyDocument, PolicyDocumentError } from '../policy/document.js';
import type { OrganizationsData, ServiceControlPolicy } from '../snapshot/schema.js';
import { errorCode, codeAndMessage, isAccessDenied, required, sourceError } from './source-error.js';

/**
 * The organization the account belongs to, if any, and its service control policies. Only the
 * management account (or a delegated administrator) may read SCPs; a member account's denial
 * is kept as a stated fact, never read as "no SCP".
 */
export async function collectOrganizations(organizations: OrganizationsClient): Promise<OrganizationsData> {
  let organization: Organization | undefined;
  try {
    ({ Organization: organization } = await organizations.send(new DescribeOrganizationCommand({})));
  } catch (error) {
    if (errorCode(error) === 'AWSOrganizationsNotInUseException') return { inOrganization: false };
    throw error;
  }
  if (!organization) throw new Error('DescribeOrganization answered without an organization');
  const base = {
    inOrganization: true as const,
    organization: {
      id: organization.Id ?? '',
      arn: organization.Arn ?? '',
      masterAccountId: organization.MasterAccountId ?? '',
      featureSet: organization.FeatureSet ?? '',
    },
  };
  try {
    return { ...base, scps: await serviceControlPolicies(organizations), scpsUnavailable: null };
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    return { ...base, scps: null, scpsUnavailable: codeAndMessage(sourceError(error)) };
  }
}

async function serviceControlPolicies(organizations: OrganizationsClient): Promise<ServiceControlPolicy[]> {
  const scps: ServiceControlPolicy[] = [];
  for await (const page of paginateListPolicies({ client: organizations }, { Filter: 'SERVICE_CONTROL_POLICY' })) {
    // One at a time: Organizations allows few requests per second.
    for (const summary of required(page.Policies, 'ListPolicies', 'Policies')) {
      const policy = required((await organizations.send(new DescribePolicyCommand({ PolicyId: summary.Id }))).Policy, 'DescribePolicy', 'Policy');
      const name = policy.PolicySummary?.Name ?? summary.Name ?? summary.Id ?? '';
      let document;
      try {
        document = decodePolicyDocument(policy.Content ?? '');
      } catch (error) {
        if (error instanceof PolicyDocumentError) throw new PolicyDocumentError(`SCP ${name} (${summary.Id}): ${error.message}`);
        throw error;
      }
      scps.push({
        id: policy.PolicySummary?.Id ?? summary.Id ?? '',
        arn: policy.PolicySummary?.Arn ?? summary.Arn ?? '',
        name,
        description: policy.PolicySummary?.Description || null,
        awsManaged: (policy.PolicySummary?.AwsManaged ?? summary.AwsManaged) === true,
        document,
      });
    }
  }
  return scps;
}
