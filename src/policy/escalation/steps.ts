import { decide, explain, type AccessRequest, type PrincipalPermissions } from '../effective-permissions.js';
import type { ResourceQuery } from '../statement.js';
import type { Certainty, EscalationPath, EscalationStep, StepRun, StepSpec } from './types.js';

/**
 * Steps as evidence: each step of a path is one question to the policy engine (so Deny
 * statements, resource constraints, conditions and boundaries are honoured), kept with the
 * statements that allow it and the conditions it depends on.
 */

export const CERTAINTY_RANK: Record<Certainty, number> = { definite: 0, conditional: 1, depends: 2 };

/** The least certain of the values. */
export function worst(...values: Certainty[]): Certainty {
  return values.reduce((a, b) => (CERTAINTY_RANK[b] > CERTAINTY_RANK[a] ? b : a), 'definite');
}

/** A resource the principal names itself (a new function, a new user …), of this ARN shape. */
export const chosen = (template: string): ResourceQuery => ({ kind: 'chosen', template });
/** One resource of the account. */
export const exact = (arn: string): ResourceQuery => ({ kind: 'exact', arn });

/** A path of a method that leads straight to administrator: its chain is empty. */
export function withChain(path: Omit<EscalationPath, 'chain'>): EscalationPath {
  const full = path as EscalationPath;
  full.chain = [];
  return full;
}

function resourceText(resource: ResourceQuery): string {
  return resource.kind === 'exact' ? resource.arn : resource.kind === 'chosen' ? `${resource.template} (a name the principal chooses)` : '*';
}

/** A step as evidence; its words are put together only when someone reads them. */
class LazyStep implements EscalationStep {
  private words: { allowedBy: string[]; reasons: string[] } | null = null;

  constructor(
    readonly action: string,
    readonly resource: string,
    readonly verdict: 'allowed' | 'conditional',
    private readonly perms: PrincipalPermissions,
    private readonly decision: ReturnType<typeof decide>,
  ) {}

  private explained() {
    if (!this.words) {
      const e = explain(this.perms, this.decision, this.action);
      this.words = { allowedBy: e.allowedBy, reasons: e.reasons };
    }
    return this.words;
  }

  get allowedBy(): string[] {
    return this.explained().allowedBy;
  }

  get reasons(): string[] {
    return this.explained().reasons;
  }
}

export interface StepResult {
  ok: boolean;
  certainty: Certainty;
  step: EscalationStep;
}

/** One step asked of the policy engine: ok when allowed or allowed under a condition. */
export function runStep(perms: PrincipalPermissions, spec: StepSpec): StepResult {
  const request: AccessRequest = { action: spec.action, resource: spec.resource, ...(spec.context ? { context: spec.context } : {}) };
  const decision = decide(perms, request);
  const ok = decision.verdict === 'allowed' || decision.verdict === 'conditional';
  const verdict = decision.verdict === 'allowed' ? 'allowed' : 'conditional';
  return { ok, certainty: verdict === 'allowed' ? 'definite' : 'conditional', step: new LazyStep(spec.action, resourceText(spec.resource), verdict, perms, decision) };
}

/** All groups of steps must pass; within a group, the surest alternative is taken. */
export function runSteps(perms: PrincipalPermissions, groups: readonly (readonly StepSpec[])[]): StepRun {
  const steps: EscalationStep[] = [];
  let certainty: Certainty = 'definite';
  for (const alternatives of groups) {
    let best: StepResult | null = null;
    for (const spec of alternatives) {
      const result = runStep(perms, spec);
      if (result.ok && (!best || CERTAINTY_RANK[result.certainty] < CERTAINTY_RANK[best.certainty])) best = result;
      if (best?.certainty === 'definite') break;
    }
    if (!best) return { ok: false, certainty, steps };
    steps.push(best.step);
    certainty = worst(certainty, best.certainty);
  }
  return { ok: true, certainty, steps };
}

/** Whether the request is explicitly denied (an implicit deny does not stop what a trust policy grants). */
export function explicitlyDenied(perms: PrincipalPermissions, request: AccessRequest): boolean {
  return decide(perms, request).verdict === 'explicitDeny';
}
