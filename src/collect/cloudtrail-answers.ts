import type { DescribeTrailsCommandOutput, GetEventSelectorsCommandOutput, GetTrailStatusCommandOutput } from '@aws-sdk/client-cloudtrail';
import type { Trail, TrailEventSelectors, TrailStatus } from '../snapshot/schema.js';
import type { Answer } from './answer.js';
import { codedError, isoDate, required, type Result } from './source-error.js';

// Pure readers of the AWS answers, shared by the live collector and the importer of AWS CLI
// exports; apart from the calls so that an import (offline) loads no SDK client. Types only from the SDK.

/** One trail as DescribeTrails lists it. */
export type TrailAnswer = NonNullable<Answer<DescribeTrailsCommandOutput>['trailList']>[number];

/** DescribeTrails' trails; an answer without trailList is malformed (MalformedAnswer), never "no trail". */
export function trailsFromAnswer(answer: Answer<DescribeTrailsCommandOutput>): TrailAnswer[] {
  return required(answer.trailList, 'DescribeTrails', 'trailList');
}

/** The region a trail's status and selectors are asked of: its home (DescribeTrails was asked in `region`). */
export function trailHomeRegion(trail: TrailAnswer, region: string): string {
  return trail.HomeRegion ?? region;
}

/** A trail as the snapshot keeps it, with its status and selectors (each its data or the error that stopped it). */
export function trailFromAnswer(trail: TrailAnswer, region: string, status: Result<TrailStatus>, eventSelectors: Result<TrailEventSelectors>): Trail {
  return {
    name: trail.Name ?? '',
    arn: trail.TrailARN ?? '',
    homeRegion: trailHomeRegion(trail, region),
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
}

/** GetTrailStatus's answer; one that does not say whether the trail is logging throws. */
export function trailStatus(output: Answer<GetTrailStatusCommandOutput>): TrailStatus {
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
export function trailEventSelectors(output: Answer<GetEventSelectorsCommandOutput>): TrailEventSelectors {
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
