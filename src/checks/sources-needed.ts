import { vouchersOf } from '../snapshot/cross-check.js';
import { SOURCE_NAMES, type SourceName } from '../snapshot/schema.js';
import type { Check } from './check.js';

/**
 * The sources a live run of these checks reads, in snapshot order: callerIdentity (it names
 * the account), every source a check declares (CheckMeta.sources and optionalSources), the
 * `also` a command adds (what its remediation plan reads), and the sources that vouch for any
 * of them (vouchersOf, the cross-checks of src/snapshot/cross-check.ts). Derived from the
 * checks' metadata, never a hand list per command.
 */
export function sourcesNeeded(checks: readonly Check[], also: readonly SourceName[] = []): SourceName[] {
  const needed = new Set<SourceName>(['callerIdentity', ...also, ...checks.flatMap((c) => [...c.meta.sources, ...(c.meta.optionalSources ?? [])])]);
  for (const name of [...needed]) for (const voucher of vouchersOf(name)) needed.add(voucher);
  return SOURCE_NAMES.filter((name) => needed.has(name));
}
