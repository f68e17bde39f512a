import type { ManagedPolicy, PolicyDocument, PolicyStatement } from '../../../src/snapshot/schema.js';

export const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
export const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Allow', Action, Resource, ...extra });
export const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Deny', Action, Resource, ...extra });
export const trust = (principal: unknown, extra: Partial<PolicyStatement> = {}): PolicyDocument => doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra });

export const attach = (policy: ManagedPolicy) => ({ name: policy.name, arn: policy.arn });
export const inline = (name: string, document: PolicyDocument) => ({ name, document });

/** A snapshot holding these authorization details. */
export { customerPolicy, withPrincipals as account } from '../../support/snapshot.js';
