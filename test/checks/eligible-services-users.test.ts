import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { BUILT_IN_ELIGIBLE_SERVICES, eligibleServicesListSchema } from '../../src/hipaa/eligible-services.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from '../../src/snapshot/load.js';
import { allowOnly, instance, permissionSet, withIdentityCenter } from './identity-center/helpers.js';

/** A list that differs from the built-in one in date and in nearly every service. */
const OTHER = eligibleServicesListSchema.parse({
  asOf: '2031-01-01',
  sources: [{ id: 'other', title: 'a list for this test' }],
  services: [{ name: 'Amazon GameLift', prefixes: ['gamelift'], eligibility: 'eligible' }],
});

describe('usesEligibleServices', () => {
  it('is set on exactly the checks whose findings depend on the eligible-services list', () => {
    // The demo account, and an IAM Identity Center permission set that reaches a non-eligible service.
    const snapshots = [
      loadSnapshot(DEMO_SNAPSHOT_PATH),
      withIdentityCenter([instance([permissionSet('Games', { inlinePolicy: allowOnly('gamelift:*'), accounts: ['123456789012'] })])]),
    ];
    const dependent = ALL_CHECKS.filter((check) =>
      snapshots.some((snapshot) => {
        const judge = (eligibleServices: typeof OTHER) => JSON.stringify(runChecks([check], snapshot, { ...DEFAULT_SETTINGS, eligibleServices }, new Date(snapshot.collectedAt)));
        return judge(BUILT_IN_ELIGIBLE_SERVICES) !== judge(OTHER);
      }),
    );
    const flagged = ALL_CHECKS.filter((check) => check.meta.usesEligibleServices === true);
    expect(dependent.map((c) => c.meta.controlId).sort()).toEqual(['identity-center-eligible-services', 'non-eligible-services', 'scp-eligible-allowlist']);
    expect(flagged.map((c) => c.meta.controlId).sort()).toEqual(dependent.map((c) => c.meta.controlId).sort());
  });
});
