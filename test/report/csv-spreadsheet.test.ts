import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, runFolders, tempDir } from '../support/cli.js';

/**
 * csv-carriage-return-formula: every CSV a run writes, read back the way spreadsheets read it.
 * Python's csv module with Excel's dialect (as Excel reads RFC 4180), Python's csv module in
 * universal-newline mode (a reader that takes a lone CR for the end of a line), and LibreOffice
 * Calc itself, headless, importing each file with "evaluate formulas" on and saving it as flat
 * ODS, in which a cell it took for a formula carries table:formula. A machine without python3
 * or LibreOffice skips that reader, unless HIPAA_IAM_REQUIRE_MOTO=1 (python3, which moto needs)
 * or HIPAA_IAM_REQUIRE_LIBREOFFICE=1 (CI) makes that a failure.
 */
const CASE = fileURLToPath(new URL('../fixtures/cases/csv-carriage-return-formula/import', import.meta.url));
const SOFFICE = '/usr/bin/soffice';
const pythonInstalled = spawnSync('python3', ['--version']).status === 0;
const libreOfficeInstalled = existsSync(SOFFICE);
if (!pythonInstalled && process.env.HIPAA_IAM_REQUIRE_MOTO === '1') throw new Error('HIPAA_IAM_REQUIRE_MOTO=1 but python3 is not installed');
if (!libreOfficeInstalled) {
  const why = `LibreOffice is not installed at ${SOFFICE}`;
  if (process.env.HIPAA_IAM_REQUIRE_LIBREOFFICE === '1') throw new Error(`HIPAA_IAM_REQUIRE_LIBREOFFICE=1 but ${why}; install it with: apt-get update && apt-get install -y --no-install-recommends libreoffice-calc-nogui`);
  console.warn(`\n⚠ ${why}: the LibreOffice reading of the CSV evidence is skipped (apt-get install -y --no-install-recommends libreoffice-calc-nogui to run it)\n`);
}

/** Characters that make a spreadsheet run a cell as a formula (DESIGN.md). */
const FORMULA_START = /^[=+\-@\t\r]/;
const LINE_BREAK = /\r\n|\r|\n/;

const READ_WITH_PYTHON = `
import csv, json, sys
out = {}
for path in sys.argv[1:]:
    with open(path, newline='', encoding='utf-8') as f:
        excel = list(csv.reader(f, dialect='excel'))
    with open(path, encoding='utf-8') as f:  # universal newlines: a lone CR ends a line
        universal = list(csv.reader(f))
    out[path] = {'excel': excel, 'universal': universal}
json.dump(out, sys.stdout)
`;

/** Every CSV of the runs in an --out, and the living register beside them. */
function csvFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? csvFiles(path) : name.endsWith('.csv') ? [path] : [];
  });
}

describe('CSV evidence read back by spreadsheets (csv-carriage-return-formula)', () => {
  let files: string[] = [];
  beforeAll(() => {
    const out = tempDir('csv-cr');
    // The case's export (a user named "ivan\r=1+1"), and a run of the demo that writes a remediation plan too.
    const imported = hipaaIam(['audit', '--import', CASE, '--out', out]);
    expect(imported.status).toBe(3);
    // On the terminal the CR is shown, not obeyed (it would return the cursor and overwrite the name).
    expect(imported.stdout).toContain('ivan\\r=1+1 has NO MFA');
    expect(imported.stdout).not.toContain('\r');
    expect(hipaaIam(['mfa-audit', '--demo', '--enforce', '--out', out]).status).toBe(1);
    expect(runFolders(out, '123456789012')).toHaveLength(1);
    files = csvFiles(out);
  });

  it('writes the CSVs the case found the CR in, and quotes the CR', () => {
    const names = new Set(files.map((f) => f.split('/').at(-1)));
    for (const name of ['findings.csv', 'least-privilege.csv', 'changes.csv', 'risk-register.csv', 'boundary.csv', 'credentials.csv', 'mfa-audit.csv', 'access-review.csv', 'remediation-plan.csv']) {
      expect(names.has(name), name).toBe(true);
    }
    const findings = readFileSync(files.find((f) => f.includes('/123456789012/') && f.endsWith('findings.csv'))!, 'utf8');
    expect(findings).toContain('"ivan\r\'=1+1');
    expect(findings).not.toMatch(/(^|,)ivan\r/m);
  });

  it.skipIf(!pythonInstalled)("Python's csv module (Excel dialect and universal newlines) finds no formula and no split record", () => {
    const run = spawnSync('python3', ['-c', READ_WITH_PYTHON, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const read = JSON.parse(run.stdout) as Record<string, { excel: string[][]; universal: string[][] }>;
    let ivan = 0;
    for (const file of files) {
      const { excel, universal } = read[file]!;
      expect(excel.length, file).toBeGreaterThan(0);
      expect(excel.filter((row) => row.length !== excel[0]!.length), file).toEqual([]);
      expect(universal.length, `${file}: a lone CR must not start a new record`).toBe(excel.length);
      const cells = excel.flat();
      expect(cells.filter((cell) => cell.split(LINE_BREAK).some((line) => FORMULA_START.test(line))), file).toEqual([]);
      expect(universal.flat().filter((cell) => FORMULA_START.test(cell)), file).toEqual([]);
      ivan += cells.filter((cell) => cell === "ivan\r'=1+1").length;
    }
    // The name is kept, visibly neutralised, in its own cell wherever the user is named.
    expect(ivan).toBeGreaterThan(3);
  });

  it.skipIf(!libreOfficeInstalled || !pythonInstalled)('LibreOffice Calc, evaluating formulas, imports every cell as text and every record as one row', () => {
    const converted = tempDir('csv-lo');
    // Several files share a name (each run's register and the living one): each goes in under its index.
    const staged = files.map((file, i) => {
      const copy = join(converted, `csv-${i}.csv`);
      copyFileSync(file, copy);
      return copy;
    });
    // Tokens: comma, double quote, UTF-8, from line 1, no column formats, English (US), quoted field
    // not forced to text, no special numbers, ..., token 13 "evaluate formulas" on (as Excel does).
    const run = spawnSync(
      SOFFICE,
      [`-env:UserInstallation=file://${converted}/profile`, '--headless', '--infilter=CSV:44,34,76,1,,1033,false,false,false,false,false,,true', '--convert-to', 'fods', '--outdir', converted, ...staged],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const python = spawnSync('python3', ['-c', READ_WITH_PYTHON, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const read = JSON.parse(python.stdout) as Record<string, { excel: string[][] }>;
    const ivan = files.findIndex((f) => f.includes('/123456789012/') && f.endsWith('findings.csv'));
    files.forEach((file, i) => {
      const ods = readFileSync(join(converted, `csv-${i}.fods`), 'utf8');
      expect(ods.match(/table:formula="[^"]*"/g) ?? [], file).toEqual([]);
      const rows = [...ods.matchAll(/<table:table-row\b([^>]*)>/g)].reduce((n, [, attributes]) => n + Number(/table:number-rows-repeated="(\d+)"/.exec(attributes!)?.[1] ?? 1), 0);
      expect(rows, file).toBe(read[file]!.excel.length);
    });
    expect(readFileSync(join(converted, `csv-${ivan}.fods`), 'utf8')).toContain('<text:p>&apos;=1+1 has NO MFA');
  });
});
