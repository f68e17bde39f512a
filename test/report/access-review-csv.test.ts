import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import nonEligibleServices from '../../src/checks/least-privilege/non-eligible-services.js';
import { peopleAccess } from '../../src/identity-center/people-access.js';
import { roleHolders } from '../../src/identity-center/role-holders.js';
import { accessReviewCsv } from '../../src/report/access-review-csv.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { PolicyStatement } from '../../src/snapshot/schema.js';
import { findingsOf, iamUser, NOW, withPrincipals } from '../support/snapshot.js';

/** The review sheet's service cells for one user holding one inline statement, as a run writes them. */
function cellsFor(statement: PolicyStatement): { reach: string; ephi: string; evidence: unknown } {
  const snapshot = withPrincipals({ users: [iamUser('u', { inlinePolicies: [{ name: 'p', document: { Version: '2012-10-17', Statement: [statement] } }] })] });
  const findings = findingsOf(nonEligibleServices, snapshot);
  const [row] = parse(accessReviewCsv(snapshot, findings, { people: peopleAccess(snapshot, null, DEFAULT_SETTINGS, NOW), roleHolders: roleHolders(snapshot, null) }), { columns: true }) as Record<string, string>[];
  return { reach: row!['Services Reachable']!, ephi: row!['ePHI Services Reachable']!, evidence: findings[0]?.evidence.reachableServices };
}

describe('access-review.csv service cells', () => {
  it('reads a reach of most of the catalogue, stated as "*" and "-prefix", as "* except …" and leaves the ePHI services not reached out', () => {
    const { reach, ephi, evidence } = cellsFor({ Effect: 'Allow', NotAction: ['s3:*', 'iam:*'], Resource: '*' });
    expect(evidence).toEqual(['*', '-iam', '-s3']);
    expect(reach).toBe('* except iam s3');
    const ephiList = ephi.split(' ');
    expect(ephiList).toEqual(expect.arrayContaining(['dynamodb', 'rds', 'healthlake']));
    expect(ephiList).not.toContain('s3');
    expect(ephiList).not.toContain('*');
  });

  it('lists a small reach as it is, and every service as "*"', () => {
    expect(cellsFor({ Effect: 'Allow', Action: ['s3:GetObject', 'gamelift:*'], Resource: '*' })).toMatchObject({ reach: 'gamelift s3', ephi: 's3' });
    expect(cellsFor({ Effect: 'Allow', Action: '*', Resource: '*' })).toMatchObject({ reach: '*', ephi: '*' });
  });
});
