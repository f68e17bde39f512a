import { Command, Option } from 'commander';
import { BUILT_IN_ELIGIBLE_SERVICES, eligibleServicesAge, loadEligibleServicesFile, staleEligibleServicesWarning } from '../hipaa/eligible-services.js';
import { buildHipaaScp, SCP_MAX_CHARS, type HipaaScp } from '../hipaa/scp-allowlist.js';
import { checkSaveFile, saveFile } from './output-folder.js';
import type { PolicyDocument } from '../snapshot/schema.js';

/** How a policy document is written to a file: two-space JSON and a final newline. */
export function policyFileText(document: PolicyDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** "scp.json" → "scp.part2.json" when the policy comes in parts. */
export function partPath(path: string, part: number, parts: number): string {
  if (parts === 1) return path;
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  return dot > slash + 1 ? `${path.slice(0, dot)}.part${part}${path.slice(dot)}` : `${path}.part${part}`;
}

function notes(scp: HipaaScp): string[] {
  return [
    `HIPAA-eligible services list of ${scp.asOf}: ${scp.prefixes.length} service prefixes, ${scp.documents.length} document(s) (${scp.form}), ${scp.sizes.map((s) => `${s} of ${SCP_MAX_CHARS} characters`).join(', ')}.`,
    ...scp.instructions,
    ...(scp.partial.length > 0 ? ['Eligible only in part (allowed; keep PHI to the eligible features):', ...scp.partial.map((p) => `  ${p.prefix}: ${p.caveats.join('; ')}`)] : []),
  ];
}

/** `hipaa-iam scp`: the SCP that keeps accounts to HIPAA-eligible services, printed or saved. */
export function scpCommand(): Command {
  return new Command('scp')
    .description('print or save the service control policy that allows only HIPAA-eligible services, split to fit the SCP size limit')
    .addOption(new Option('--eligible-services <file>', 'your own HIPAA-eligible services list instead of the dated built-in one'))
    .addOption(new Option('--form <form>', 'deny-not-action (one SCP beside FullAWSAccess), allow-list (replaces FullAWSAccess; splits), or auto').choices(['auto', 'deny-not-action', 'allow-list']).default('auto'))
    .addOption(new Option('--save <file>', 'write the policy to FILE (FILE.partN.json when it is split) instead of printing it'))
    .action((flags: { eligibleServices?: string; form: 'auto' | 'deny-not-action' | 'allow-list'; save?: string }) => {
      // As collect --save: a folder that can never be written is refused first (exit 2); missing folders are created.
      if (flags.save) checkSaveFile(flags.save, `--save ${flags.save}`);
      const list = flags.eligibleServices ? loadEligibleServicesFile(flags.eligibleServices) : BUILT_IN_ELIGIBLE_SERVICES;
      const scp = buildHipaaScp(list, { form: flags.form });
      const stale = staleEligibleServicesWarning(eligibleServicesAge(list, new Date()), list === BUILT_IN_ELIGIBLE_SERVICES);
      const warn = () => {
        if (stale) process.stderr.write(`hipaa-iam: warning: ${stale}\n`);
      };
      if (flags.save) {
        const paths = scp.documents.map((document, i) => {
          const path = partPath(flags.save!, i + 1, scp.documents.length);
          saveFile(path, policyFileText(document));
          return path;
        });
        process.stdout.write([`Wrote ${paths.join(', ')}`, ...notes(scp)].join('\n') + '\n');
        warn();
        return;
      }
      // The policy alone goes to stdout, so it can be piped to a file or to aws organizations create-policy.
      process.stdout.write(scp.documents.length === 1 ? policyFileText(scp.documents[0]!) : `${JSON.stringify(scp.documents, null, 2)}\n`);
      process.stderr.write(notes(scp).join('\n') + '\n');
      warn();
    });
}
