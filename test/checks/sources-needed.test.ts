import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineCheck, optionalSourceData, sourceData, type Check } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { sourcesNeeded } from '../../src/checks/sources-needed.js';
import userConsoleMfa from '../../src/checks/mfa-audit/user-console-mfa.js';
import { AUDIT_COMMANDS, commandSources } from '../../src/cli/commands.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { notCollected } from '../../src/snapshot/build.js';
import { crossCheckSources, sourceDisagreements, vouchersOf } from '../../src/snapshot/cross-check.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from '../../src/snapshot/load.js';
import { snapshotSchema, SOURCE_NAMES, type Snapshot, type SourceName } from '../../src/snapshot/schema.js';

/** Every snapshot the repository holds: the demo account and the cases' snapshots, each cross-checked as a run would be. */
const CASES = fileURLToPath(new URL('../fixtures/cases/', import.meta.url));
function snapshotFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? snapshotFiles(path) : /snapshot\.json$/.test(name) ? [path] : [];
  });
}
const SNAPSHOTS: [string, Snapshot][] = (
  [
    ['demo', loadSnapshot(DEMO_SNAPSHOT_PATH)],
    ...snapshotFiles(CASES).flatMap((path): [string, Snapshot][] => {
      const parsed = snapshotSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      return parsed.success ? [[path.slice(CASES.length), parsed.data]] : [];
    }),
  ] as [string, Snapshot][]
).map(([name, snapshot]) => [name, crossCheckSources(snapshot)]);

/** The snapshot as a narrowed live run would have it: every source outside `keep` NotCollected. */
function narrowedTo(snapshot: Snapshot, keep: readonly SourceName[]): Snapshot {
  const sources = Object.fromEntries(SOURCE_NAMES.map((name) => [name, keep.includes(name) ? snapshot.sources[name] : { status: 'error', error: notCollected('the test') }]));
  return { ...snapshot, sources: sources as Snapshot['sources'] };
}

const judge = (checks: readonly Check[], snapshot: Snapshot) => runChecks(checks, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt), { reviews: [] });

/** Snapshots on which a check, given only the sources it declares (sourcesNeeded), judges otherwise than on the full snapshot. */
function misjudgedOn(check: Check): string[] {
  return SNAPSHOTS.filter(([, snapshot]) => JSON.stringify(judge([check], narrowedTo(snapshot, sourcesNeeded([check])))) !== JSON.stringify(judge([check], snapshot))).map(([name]) => name);
}

describe('every source a check reads is declared', () => {
  it('holds over enough snapshots to mean something', () => {
    expect(SNAPSHOTS.length).toBeGreaterThan(10);
  });

  for (const check of ALL_CHECKS) {
    it(`${check.meta.controlId}: the same verdicts when only its declared sources (and their vouchers) were read`, () => {
      expect(misjudgedOn(check)).toEqual([]);
    });
  }

  it('would catch a check that reads a source it does not declare', () => {
    const rogue = defineCheck({
      meta: { ...userConsoleMfa.meta, controlId: 'rogue', sources: ['credentialReport'], optionalSources: [] },
      run: ({ snapshot }) => {
        const users = optionalSourceData(snapshot, 'authorizationDetails')?.users.length ?? 0;
        return [{ status: 'PASS', resourceType: 'AWS::::Account', resourceArn: '', resourceName: '', message: `${sourceData(snapshot, 'credentialReport').rows.length} rows, ${users} users`, evidence: {} }];
      },
    });
    expect(misjudgedOn(rogue)).not.toEqual([]);
  });

  it("needs user-console-mfa's optional sources declared: without them its verdicts change", () => {
    const undeclared = defineCheck({ ...userConsoleMfa, meta: { ...userConsoleMfa.meta, optionalSources: [] } });
    expect(misjudgedOn(undeclared)).not.toEqual([]);
  });
});

describe('what each command reads', () => {
  for (const command of AUDIT_COMMANDS) {
    it(`${command.name}: the caller, the sources its checks declare, and the sources that vouch for them; nothing else`, () => {
      const declared = new Set<SourceName>(command.checks.flatMap((c) => [...c.meta.sources, ...(c.meta.optionalSources ?? [])]));
      const expected = new Set<SourceName>(['callerIdentity', ...declared, ...[...declared].flatMap(vouchersOf)]);
      expect(new Set(commandSources(command))).toEqual(expected);
      for (const [, snapshot] of SNAPSHOTS) {
        expect(JSON.stringify(judge(command.checks, narrowedTo(snapshot, commandSources(command))))).toBe(JSON.stringify(judge(command.checks, snapshot)));
      }
    });
  }

  it('audit reads every source; audit-trail only the caller and CloudTrail; password-policy only the caller and the policy', () => {
    const sourcesOf = (name: string) => commandSources(AUDIT_COMMANDS.find((c) => c.name === name)!);
    expect(sourcesOf('audit')).toEqual(SOURCE_NAMES);
    expect(sourcesOf('audit-trail')).toEqual(['callerIdentity', 'cloudTrail']);
    expect(sourcesOf('password-policy')).toEqual(['callerIdentity', 'passwordPolicy']);
    expect(sourcesOf('analyzer')).toEqual(['callerIdentity', 'accessAnalyzer']);
  });

  for (const command of AUDIT_COMMANDS.filter((c) => c.remediation)) {
    it(`${command.name}: its plan reads only what its checks already read, and plans alike on what the run read`, () => {
      const remediation = command.remediation!;
      expect(remediation.sources.filter((s) => !sourcesNeeded(command.checks).includes(s))).toEqual([]);
      for (const [name, snapshot] of SNAPSHOTS) {
        const plan = (s: Snapshot) => {
          try {
            return remediation.plan(s, DEFAULT_SETTINGS, { enforce: true, enable: true, apply: false });
          } catch (error) {
            return String(error);
          }
        };
        expect(plan(narrowedTo(snapshot, commandSources(command))), name).toEqual(plan(snapshot));
      }
    });
  }
});

describe('vouchers: the cross-checks and what a run reads beside a list', () => {
  it('the authorization details and the virtual MFA devices are vouched for by the account summary', () => {
    expect(vouchersOf('authorizationDetails')).toEqual(['accountSummary']);
    expect(vouchersOf('virtualMfaDevices')).toEqual(['accountSummary']);
    expect(SOURCE_NAMES.filter((name) => vouchersOf(name).length > 0)).toEqual(['authorizationDetails', 'virtualMfaDevices']);
  });

  it('a pair whose list was not read is not compared; the same pair read is', () => {
    const faulted = SNAPSHOTS.find(([name]) => name === 'empty-answer-virtual-mfa-devices/faulted-snapshot.json')!;
    const raw = snapshotSchema.parse(JSON.parse(readFileSync(join(CASES, faulted[0]), 'utf8')));
    expect(sourceDisagreements(raw.sources).map((d) => d.sources)).toEqual([['accountSummary', 'virtualMfaDevices']]);
    expect(sourceDisagreements(narrowedTo(raw, SOURCE_NAMES.filter((n) => n !== 'virtualMfaDevices')).sources)).toEqual([]);
  });
});
