import { accountFinding, defineCheck, sourceData } from '../check.js';
import { accountTrails, logsManagementEvents, trailResource, type Trail } from './trails.js';

/**
 * A multi-region trail exists, is logging, and records management events. In an organization run
 * the organization trail counts for a member whose own DescribeTrails did not list it.
 */
export default defineCheck({
  meta: {
    controlId: 'cloudtrail-multi-region',
    riskId: 'IAM-026',
    title: 'A multi-region CloudTrail trail is logging',
    group: 'audit-trail',
    severity: 'high',
    hipaa: ['164.312(b)', '164.308(a)(1)(ii)(D)'],
    description: 'At least one multi-region trail is logging management events, so activity in every region is recorded.',
    remediation: 'aws cloudtrail create-trail --name org-audit --s3-bucket-name BUCKET --is-multi-region-trail --enable-log-file-validation --kms-key-id KEY; then aws cloudtrail start-logging --name org-audit',
    documentation: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail.html',
    sources: ['cloudTrail'],
  },
  run({ snapshot, organization }) {
    const { region } = sourceData(snapshot, 'cloudTrail');
    // In an organization run, the organization trail counts when the member's own answer did not list it (accountTrails).
    const { trails: accountTrailList, unreadable } = accountTrails({ snapshot, organization });
    const trails = accountTrailList.map((t) => t.trail);
    const multiRegion = accountTrailList.filter((t) => t.trail.isMultiRegionTrail);
    const judged = multiRegion.map(({ trail: t, fromOrganization }) => ({
      trail: t,
      fromOrganization,
      logging: t.status.status === 'ok' ? t.status.data.isLogging : null,
      management: logsManagementEvents(t),
    }));
    const good = judged.find((j) => j.logging === true && j.management === true);
    // An unknown says what stopped the read (AccessDenied, a file not in the export), so the ERROR tells what to fix.
    const unknown = (read: Trail['status'] | Trail['eventSelectors']) => (read.status === 'error' ? `unknown (${read.error.code}: ${read.error.message})` : 'unknown');
    const describe = judged.map((j) => `${j.trail.name}${j.fromOrganization ? ' (organization trail, from the organization facts)' : ''}: logging ${j.logging ?? unknown(j.trail.status)}, management events ${j.management ?? unknown(j.trail.eventSelectors)}`);
    // Whatever the verdict, an organization trail judged here is named in the evidence (an ERROR or FAIL can come from it too).
    const fromFacts = unreadable ?? judged.find((j) => j.fromOrganization)?.fromOrganization ?? null;
    const evidence = { collectedInRegion: region, trails: trails.map((t) => t.name), multiRegionTrails: describe, ...(fromFacts ? { organization: fromFacts } : {}) };
    if (good) {
      const note = good.fromOrganization ? { organization: good.fromOrganization } : {};
      const what = good.fromOrganization ? `organization trail ${good.trail.name} (read from ${organization?.facts.readFrom.accountId ?? 'the organization facts'})` : good.trail.name;
      return [{ ...trailResource(good.trail), status: 'PASS', message: `${what} is a multi-region trail logging management events`, evidence: { ...evidence, ...note } }];
    }
    if (judged.some((j) => j.logging === null || j.management === null)) {
      return [accountFinding(snapshot.accountId, 'ERROR', `no multi-region trail is known to be logging, and the status of some could not be read (${describe.join('; ')})`, evidence)];
    }
    const why = multiRegion.length === 0 ? `no multi-region trail (trails: ${trails.map((t) => t.name).join(', ') || 'none'})` : `no multi-region trail is logging management events (${describe.join('; ')})`;
    return [accountFinding(snapshot.accountId, 'FAIL', why, evidence)];
  },
});
