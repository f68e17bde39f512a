import { Option } from 'commander';

/**
 * What an audit command prints on stdout. `--json` is for programs: stdout carries the findings
 * document alone (the text of findings.json), so `hipaa-iam audit --json | jq` works; what a
 * person reads (the account line, a remediation plan, where the evidence went, warnings) goes to
 * stderr, and --quiet silences that part only. `--only-failures` is for people on a large account.
 */
export function stdoutOptions(): Option[] {
  return [
    new Option('--only-failures', 'the terminal summary shows only controls and findings that FAIL or are ERROR, and counts what it hid'),
    new Option('--json', 'print the findings document (findings.json) on stdout and nothing else; the rest goes to stderr; evidence is written to --out as usual'),
  ];
}

export interface StdoutFlags {
  onlyFailures?: boolean;
  json?: boolean;
}
