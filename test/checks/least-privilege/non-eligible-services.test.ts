import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import { runChecks } from '../../../src/checks/engine.js';
import nonEligibleServices from '../../../src/checks/least-privilege/non-eligible-services.js';
import { BUILT_IN_ELIGIBLE_SERVICES } from '../../../src/hipaa/eligible-services.js';
import { DEFAULT_SETTINGS } from '../../../src/settings.js';
import type { PolicyStatement } from '../../../src/snapshot/schema.js';
import { allow, doc } from './helpers.js';
import { NOW, findingsOf, iamRole, iamUser, statusByResource, withPrincipals } from '../../support/snapshot.js';

const userWith = (...statements: PolicyStatement[]) => withPrincipals({ users: [iamUser('u', { inlinePolicies: [{ name: 'p', document: doc(...statements) }] })] });

describe('non-eligible-services (IAM-021)', () => {
  it.each<[string, PolicyStatement[], Status]>([
    ['only eligible services', [allow(['s3:GetObject', 'dynamodb:Query', 'kms:Decrypt'])], 'PASS'],
    ['control-plane services (iam, sts) are not findings', [allow(['iam:GetUser', 'sts:GetCallerIdentity'])], 'PASS'],
    ['a service that is not eligible', [allow(['s3:GetObject', 'gamelift:CreateFleet'])], 'FAIL'],
    ['a wildcard reaching a non-eligible service', [allow('gamelift:*')], 'FAIL'],
    ['a non-eligible grant cancelled by a Deny', [allow(['s3:GetObject', 'gamelift:*']), { Effect: 'Deny', Action: 'gamelift:*', Resource: '*' }], 'PASS'],
    ['a non-eligible grant under a condition is still reachable', [allow('gamelift:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } })], 'FAIL'],
    ['a partly eligible service (ElastiCache) needs a person to confirm', [allow('elasticache:CreateCacheCluster')], 'MANUAL'],
    ['administrator access reaches everything', [allow('*')], 'FAIL'],
    ['services eligible since the 2022 list (MemoryDB, Bedrock AgentCore, Private CA, ARC)', [allow(['memorydb:CreateCluster', 'bedrock-agentcore:InvokeAgentRuntime', 'acm-pca:IssueCertificate', 'arc-zonal-shift:StartZonalShift'])], 'PASS'],
    ['RoboMaker, no longer on the list', [allow('robomaker:*')], 'FAIL'],
    ['AWSSupportAccess\'s grants (support, support-console) and billing are the control plane', [allow(['support:*', 'support-console:*', 'supportplans:GetSupportPlan', 'billing:GetBillingData'])], 'PASS'],
    ['the Support App in Slack is not the control plane', [allow('supportapp:*')], 'FAIL'],
  ])('%s → %s', (_label, statements, status) => {
    expect(statusByResource(nonEligibleServices, userWith(...statements))).toEqual({ u: status });
  });

  it('names the non-eligible services and the caveats of partial ones', () => {
    const [finding] = findingsOf(nonEligibleServices, userWith(allow(['gamelift:CreateFleet', 'elasticache:CreateCacheCluster', 's3:GetObject'])));
    expect(finding?.evidence.notEligible).toEqual(['gamelift']);
    // A FAIL names the partly eligible services; their caveats (the list's text) decide only a MANUAL verdict, which quotes them.
    expect(finding?.evidence.partiallyEligible).toEqual(['elasticache']);
    const [manual] = findingsOf(nonEligibleServices, userWith(allow(['elasticache:CreateCacheCluster', 's3:GetObject'])));
    expect(manual?.status).toBe('MANUAL');
    expect(String(manual?.evidence.partiallyEligible)).toMatch(/^elasticache: .*Memcached/);
    expect(finding?.evidence.reachableServices).toEqual(['elasticache', 'gamelift', 's3']);
    expect(finding?.evidence.grantedBy).toEqual(['user u: inline policy p (statement 0): Action gamelift:CreateFleet, elasticache:CreateCacheCluster, s3:GetObject']);
    expect(finding?.evidence.eligibleServicesAsOf).toBe(BUILT_IN_ELIGIBLE_SERVICES.asOf);
    expect(finding?.evidence.eligibleServicesSource).toBe('AWS, HIPAA Eligible Services Reference <https://aws.amazon.com/compliance/hipaa-eligible-services-reference/>');
    expect(finding?.message).toBe('user u can reach services that are not HIPAA-eligible: gamelift (eligible-services list as of 2026-05-22)');
  });

  it('states a reach of nearly every service compactly, without copying the catalogue or the list into the finding', () => {
    const [finding] = findingsOf(nonEligibleServices, userWith({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }));
    expect(finding?.status).toBe('FAIL');
    expect(finding?.evidence.reachableServices).toEqual(['*', '-iam', '-organizations']);
    // Every service the list neither makes eligible nor counts as control plane: all of them in the
    // evidence, the first ten and a count in the message (which every CSV copies).
    expect(finding?.evidence.notEligible).toEqual(['*']);
    expect(finding?.message).toMatch(/^user u can reach services that are not HIPAA-eligible: a2c, (\S+, ){9}and \d{3} more \(every one in the evidence\) \(eligible-services list as of 2026-05-22\)$/);
    expect(finding!.message.length).toBeLessThan(400);
    expect(finding?.evidence.grantedBy).toEqual(['user u: inline policy p (statement 0): NotAction iam:*, organizations:*']);
    expect(finding?.evidence).not.toHaveProperty('eligibleServicesSources');
    expect(JSON.stringify(finding?.evidence).length).toBeLessThan(1_000);
  });

  it('judges roles too, but not service-linked ones', () => {
    const snapshot = withPrincipals({
      roles: [
        iamRole('app', { inlinePolicies: [{ name: 'p', document: doc(allow('gamelift:*')) }] }),
        iamRole('AWSServiceRoleForX', { path: '/aws-service-role/x.amazonaws.com/', inlinePolicies: [{ name: 'p', document: doc(allow('gamelift:*')) }] }),
      ],
    });
    expect(statusByResource(nonEligibleServices, snapshot)).toEqual({ app: 'FAIL' });
  });

  it('follows a user-supplied list', () => {
    const list = { ...BUILT_IN_ELIGIBLE_SERVICES, services: [...BUILT_IN_ELIGIBLE_SERVICES.services, { name: 'Amazon GameLift', prefixes: ['gamelift'], eligibility: 'eligible' as const }] };
    const findings = runChecks([nonEligibleServices], userWith(allow('gamelift:*')), { ...DEFAULT_SETTINGS, eligibleServices: list }, NOW);
    expect(findings.map((f) => f.status)).toEqual(['PASS']);
  });
});
