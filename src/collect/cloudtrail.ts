import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type CloudTrailClient,
  type GetEventSelectorsCommandOutput,
  type GetTrailStatusCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import type { CloudTrailData, TrailEventSelectors, TrailStatus } from '../snapshot/schema.js';
import { codedError, isoDate, required, resultOf } from './source-error.js';

/**
 * DescribeTrails once in the collection region (shadow trails included, so multi-region and
 * organization trails homed elsewhere are seen), then status and event selectors per trail,
 * asked of the trail's home region: calls grow with trails, never with users.
 */
export async function collectCloudTrail(region: string, cloudTrailIn: (region: string) => CloudTrailClient): Promise<CloudTrailData> {
  const trailList = required((await cloudTrailIn(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList, 'DescribeTrails', 'trailList');
  const trails = await Promise.all(
    trailList.map(async (trail) => {
      const arn = trail.TrailARN ?? '';
      const homeRegion = trail.HomeRegion ?? region;
      const home = cloudTrailIn(homeRegion);
      const [status, eventSelectors] = await Promise.all([
        resultOf(async () => trailStatus(await home.send(new GetTrailStatusCommand({ Name: arn })))),
        resultOf(async () => trailEventSelectors(await home.send(new GetEventSelectorsCommand({ TrailName: arn })))),
      ]);
      return {
        name: trail.Name ?? '',
        arn,
        homeRegion,
        isMultiRegionTrail: trail.IsMultiRegionTrail === true,
        isOrganizationTrail: trail.IsOrganizationTrail === true,
        includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents === true,
        logFileValidationEnabled: trail.LogFileValidationEnabled === true,
        kmsKeyId: trail.KmsKeyId ?? null,
        cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn ?? null,
        s3BucketName: trail.S3BucketName ?? null,
        status,
        eventSelectors,
      };
    }),
  );
  return { region, trails };
}

function trailStatus(output: GetTrailStatusCommandOutput): TrailStatus {
  // Unknown is not "stopped": without IsLogging the trail's status is an error, not a guess.
  if (typeof output.IsLogging !== 'boolean') throw new Error('GetTrailStatus did not say whether the trail is logging');
  return {
    isLogging: output.IsLogging,
    latestDeliveryTime: isoDate(output.LatestDeliveryTime),
    latestDeliveryError: output.LatestDeliveryError ?? null,
    latestCloudWatchLogsDeliveryTime: isoDate(output.LatestCloudWatchLogsDeliveryTime),
    latestCloudWatchLogsDeliveryError: output.LatestCloudWatchLogsDeliveryError ?? null,
    latestDigestDeliveryTime: isoDate(output.LatestDigestDeliveryTime),
    latestDigestDeliveryError: output.LatestDigestDeliveryError ?? null,
    startLoggingTime: isoDate(output.StartLoggingTime),
    stopLoggingTime: isoDate(output.StopLoggingTime),
  };
}

/**
 * A trail's selectors. AWS gives every trail basic or advanced selectors: one made without
 * PutEventSelectors answers with its default (all management events), so an answer with
 * neither (left out, or both lists empty, as moto answers) says nothing of what the trail
 * logs and is an error, never "logs everything".
 */
function trailEventSelectors(output: GetEventSelectorsCommandOutput): TrailEventSelectors {
  if ((output.EventSelectors ?? []).length === 0 && (output.AdvancedEventSelectors ?? []).length === 0) {
    const what = output.EventSelectors === undefined && output.AdvancedEventSelectors === undefined ? 'without EventSelectors or AdvancedEventSelectors' : 'with no basic or advanced selector';
    throw codedError('MalformedAnswer', `GetEventSelectors answered ${what}, though AWS gives every trail one or the other: what the trail logs is unknown; run again`);
  }
  return {
    eventSelectors: (output.EventSelectors ?? []).map((selector) => ({
      readWriteType: selector.ReadWriteType ?? null,
      includeManagementEvents: selector.IncludeManagementEvents ?? null,
      excludeManagementEventSources: selector.ExcludeManagementEventSources ?? [],
      dataResources: (selector.DataResources ?? []).map((resource) => ({ type: resource.Type ?? null, values: resource.Values ?? [] })),
    })),
    advancedEventSelectors: (output.AdvancedEventSelectors ?? []).map((selector) => ({
      name: selector.Name ?? null,
      fieldSelectors: (selector.FieldSelectors ?? []).map((field) => ({
        field: field.Field ?? '',
        ...(field.Equals ? { equals: field.Equals } : {}),
        ...(field.StartsWith ? { startsWith: field.StartsWith } : {}),
        ...(field.EndsWith ? { endsWith: field.EndsWith } : {}),
        ...(field.NotEquals ? { notEquals: field.NotEquals } : {}),
        ...(field.NotStartsWith ? { notStartsWith: field.NotStartsWith } : {}),
        ...(field.NotEndsWith ? { notEndsWith: field.NotEndsWith } : {}),
      })),
    })),
  };
}
