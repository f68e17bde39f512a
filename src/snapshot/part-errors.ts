import type { Snapshot } from './schema.js';

/** A part of a source that could not be read while the source itself was: its source, which part, and AWS's error. */
export interface SourcePartError {
  source: 'cloudTrail' | 'accessAnalyzer' | 'identityCenter';
  /** e.g. `trail org-trail: status`, `region eu-west-1`, `instance ssoins-…: permission sets`. */
  part: string;
  code: string;
  message: string;
}

/**
 * The parts of sources read whole that hold an error instead of data (a trail's status or
 * selectors, an Access Analyzer region, an Identity Center instance's permission sets, identity
 * store or AWS managed policy document), in source order: the controls that need them are ERROR,
 * and run.json and `collect --save` name them beside the sources that failed whole.
 */
export function sourcePartErrors(snapshot: Snapshot): SourcePartError[] {
  const errors: SourcePartError[] = [];
  const { cloudTrail, accessAnalyzer, identityCenter } = snapshot.sources;
  if (cloudTrail.status === 'ok') {
    for (const trail of cloudTrail.data.trails) {
      if (trail.status.status === 'error') errors.push({ source: 'cloudTrail', part: `trail ${trail.name}: status`, ...trail.status.error });
      if (trail.eventSelectors.status === 'error') errors.push({ source: 'cloudTrail', part: `trail ${trail.name}: event selectors`, ...trail.eventSelectors.error });
    }
  }
  if (accessAnalyzer.status === 'ok') {
    for (const [region, result] of Object.entries(accessAnalyzer.data.regions)) if (result.status === 'error') errors.push({ source: 'accessAnalyzer', part: `region ${region}`, ...result.error });
  }
  if (identityCenter.status === 'ok') {
    for (const instance of identityCenter.data.instances) {
      const id = instance.instanceArn.split('/').pop() ?? instance.instanceArn;
      if (instance.permissionSets.status === 'error') errors.push({ source: 'identityCenter', part: `instance ${id}: permission sets`, ...instance.permissionSets.error });
      if (instance.identityStore.status === 'error') errors.push({ source: 'identityCenter', part: `instance ${id}: identity store ${instance.identityStoreId}`, ...instance.identityStore.error });
      for (const [arn, document] of Object.entries(instance.awsManagedPolicyDocuments)) {
        if (document.status === 'error') errors.push({ source: 'identityCenter', part: `instance ${id}: AWS managed policy ${arn}`, ...document.error });
      }
    }
  }
  return errors;
}
