import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/checks/check.js';
import { runChecks } from '../../../src/checks/engine.js';
import { ALL_CHECKS } from '../../../src/checks/registry.js';
import { DEFAULT_SETTINGS } from '../../../src/settings.js';
import { loadSnapshot } from '../../../src/snapshot/load.js';

/**
 * Cases of equivalent policies that got different verdicts (test/fixtures/cases/, copied as they
 * are from the shared cases; README.txt in each says the situation and the right verdict).
 */
const caseSnapshot = (path: string) => fileURLToPath(new URL(`../../fixtures/cases/${path}/snapshot.json`, import.meta.url));

function audit(path: string): (controlId: string) => Finding {
  const snapshot = loadSnapshot(caseSnapshot(path));
  const findings = runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
  return (controlId) => {
    const found = findings.filter((f) => f.controlId === controlId && f.resourceName === 'alice');
    expect(found, controlId).toHaveLength(1);
    return found[0]!;
  };
}

describe('equivalent policies get the same verdict (the cases, read as they are)', () => {
  it('notaction-leaves-out-one-action: Allow NotAction iam:CreateUser is administrator access, like Allow * with Deny iam:CreateUser', () => {
    const notAction = audit('notaction-leaves-out-one-action');
    const denyForm = audit('notaction-leaves-out-one-action/control-deny-form');
    expect(notAction('admin-access').status).toBe('FAIL');
    expect(notAction('admin-access').evidence.adminStatus).toBe('partial');
    expect(notAction('admin-access').message).toMatch(/every action but iam:createuser.*IAM administration in reach/);
    expect(denyForm('admin-access').status).toBe('FAIL');
    expect(denyForm('admin-access').evidence.adminStatus).toBe('partial');
    for (const control of ['admin-access', 'privilege-escalation', 'non-eligible-services']) {
      expect(notAction(control).status, control).toBe(denyForm(control).status);
    }
  });

  it('deny-notresource-confines-grant: Allow * with Deny * NotResource one bucket is not administrator access; escalation is judged and finds no path', () => {
    const finding = audit('deny-notresource-confines-grant');
    expect(finding('admin-access').status).toBe('PASS');
    expect(finding('admin-access').message).toMatch(/but a Deny takes it back/);
    expect(String(finding('admin-access').evidence.limits)).toMatch(/confines all actions to arn:aws:s3:::/);
    expect(finding('privilege-escalation').status).toBe('PASS');
    expect(finding('privilege-escalation').message).not.toMatch(/already an administrator/);
    // Confined to one bucket, the user reaches S3 and the few services whose actions take a bucket
    // (the catalogue's resource types: AWS Backup, Systems Manager's command output), not IAM or EC2.
    expect(finding('non-eligible-services').status).toBe('PASS');
    const reach = finding('non-eligible-services').evidence.reachableServices as string[];
    expect(reach).toContain('s3');
    expect(reach.length).toBeLessThan(6);
    expect(reach).not.toContain('iam');
    expect(reach).not.toContain('ec2');
  });

  it('deny-notaction-evidence-wording: Allow * with Deny NotAction s3:* passes and says that only s3:* remains', () => {
    const finding = audit('deny-notaction-evidence-wording');
    expect(finding('admin-access').status).toBe('PASS');
    expect(finding('admin-access').message).toContain('(only s3:* remains)');
    expect(finding('admin-access').message).not.toContain('all but');
  });
});
