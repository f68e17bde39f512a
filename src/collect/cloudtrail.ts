import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type CloudTrailClient,
} from '@aws-sdk/client-cloudtrail';
import type { CloudTrailData } from '../snapshot/schema.js';
import { resultOf } from './source-error.js';
import { trailEventSelectors, trailFromAnswer, trailHomeRegion, trailsFromAnswer, trailStatus, type TrailAnswer } from './cloudtrail-answers.js';

export type { TrailAnswer } from './cloudtrail-answers.js';

/**
 * DescribeTrails once in the collection region (shadow trails included, so multi-region and
 * organization trails homed elsewhere are seen), then status and event selectors per trail,
 * asked of the trail's home region: calls grow with trails, never with users. `keep` picks the
 * trails to read further (an organization run's facts keep only organization trails); default all.
 */
export async function collectCloudTrail(region: string, cloudTrailIn: (region: string) => CloudTrailClient, keep: (trail: TrailAnswer) => boolean = () => true): Promise<CloudTrailData> {
  const trailList = trailsFromAnswer(await cloudTrailIn(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }))).filter(keep);
  const trails = await Promise.all(
    trailList.map(async (trail) => {
      const arn = trail.TrailARN ?? '';
      const home = cloudTrailIn(trailHomeRegion(trail, region));
      const [status, eventSelectors] = await Promise.all([
        resultOf(async () => trailStatus(await home.send(new GetTrailStatusCommand({ Name: arn })))),
        resultOf(async () => trailEventSelectors(await home.send(new GetEventSelectorsCommand({ TrailName: arn })))),
      ]);
      return trailFromAnswer(trail, region, status, eventSelectors);
    }),
  );
  return { region, trails };
}

