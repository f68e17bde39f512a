import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  paginateListPolicies,
  type DescribeOrganizationCommandOutput,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { OrganizationsData, ServiceControlPolicy } from '../snapshot/schema.js';
import { isNotInOrganization, organizationFromAnswer, policySummariesFromAnswer, scpFromAnswer, withScpsUnreadable } from './organizations-answers.js';

/**
 * The organization the account belongs to, if any, and its service control policies. Only the
 * management account (or a delegated administrator) may read SCPs; a member account's denial
 * is kept as a stated fact, never read as "no SCP".
 */
export async function collectOrganizations(organizations: OrganizationsClient): Promise<OrganizationsData> {
  let answer: DescribeOrganizationCommandOutput;
  try {
    answer = await organizations.send(new DescribeOrganizationCommand({}));
  } catch (error) {
    if (isNotInOrganization(error)) return { inOrganization: false };
    throw error;
  }
  const organization = organizationFromAnswer(answer);
  try {
    return { inOrganization: true, organization, scps: await serviceControlPolicies(organizations), scpsUnavailable: null };
  } catch (error) {
    return withScpsUnreadable(organization, error);
  }
}

async function serviceControlPolicies(organizations: OrganizationsClient): Promise<ServiceControlPolicy[]> {
  const scps: ServiceControlPolicy[] = [];
  for await (const page of paginateListPolicies({ client: organizations }, { Filter: 'SERVICE_CONTROL_POLICY' })) {
    // One at a time: Organizations allows few requests per second.
    for (const summary of policySummariesFromAnswer(page)) {
      scps.push(scpFromAnswer(summary, await organizations.send(new DescribePolicyCommand({ PolicyId: summary.Id ?? undefined }))));
    }
  }
  return scps;
}
