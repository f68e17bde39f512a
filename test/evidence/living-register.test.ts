import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { audit } from '../../src/audit.js';
import { readRunArchive } from '../../src/report/archive.js';
import { decodeRegister } from '../../src/report/risk-register.js';
import { colourFor } from '../../src/report/terminal.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { hipaaIam, runFolders, tempDir } from '../support/cli.js';

// The snapshot the register cases were made with (fault-harness/base-snapshot.json), copied verbatim.
const BASE = new URL('../fixtures/cases/fault-harness/base-snapshot.json', import.meta.url).pathname;
const BIN = new URL('../../bin/hipaa-iam.js', import.meta.url).pathname;
const ACCOUNT = '123456789012';
const livingPath = (out: string) => join(out, ACCOUNT, 'risk-register.csv');
type Row = Record<string, string>;

/** The register as a spreadsheet would show it: decoded from whatever it was saved in. */
function readRegister(path: string): Row[] {
  return parse(decodeRegister(readFileSync(path)).text, { columns: true }) as Row[];
}

/** What conc_test.py's set_notes and repro.sh's python do: rewrite the file, saved by rename. */
function saveRegister(path: string, rows: Row[], encoding: BufferEncoding | 'utf-8-bom' = 'utf8', eol = '\n'): void {
  const header = Object.keys(rows[0]!);
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const text = [header.map(quote).join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))].join(eol) + eol;
  const bytes = encoding === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]) : Buffer.from(text, encoding);
  writeFileSync(`${path}.edit`, bytes);
  renameSync(`${path}.edit`, path);
}

function auditBase(out: string, ...extra: string[]) {
  return hipaaIam(['audit', '--snapshot', BASE, '--out', out, ...extra]);
}

/** A pid that no process has any more: a run that was killed. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('register-emptied-loses-notes: an empty or deleted living register is rebuilt from the newest run, Owner and Notes included', () => {
  it.each([
    ['truncated to 0 bytes', (path: string) => writeFileSync(path, '')],
    ['deleted', (path: string) => rmSync(path)],
    // Every row deleted in a spreadsheet, the header kept: no risks is not what people meant.
    ['cut to its header row', (path: string) => writeFileSync(path, `${readFileSync(path, 'utf8').split(/\r?\n/)[0]}\r\n`)],
  ])('%s', (_label, lose) => {
    const out = tempDir('emptied');
    expect(auditBase(out, '--quiet').status).toBe(3);
    const path = livingPath(out);
    saveRegister(path, readRegister(path).map((r) => ({ ...r, Owner: 'Alice (CISO)', Notes: 'ARCHIVED-NOTE' })));
    expect(auditBase(out, '--quiet').status).toBe(3);
    const rows = readRegister(path).length;
    expect(readFileSync(join(runFolders(out, ACCOUNT)[1]!, 'risk-register.csv'), 'utf8').match(/ARCHIVED-NOTE/g)).toHaveLength(rows);
    lose(path);

    const third = auditBase(out);
    expect(third.status).toBe(3);
    expect(third.stderr).toContain(`rebuilt from ${join(runFolders(out, ACCOUNT)[1]!, 'risk-register.csv')}, Owner and Notes included`);
    const after = readRegister(path);
    expect(after).toHaveLength(rows);
    for (const row of after) expect(row, row['Risk ID']).toMatchObject({ Owner: 'Alice (CISO)', Notes: 'ARCHIVED-NOTE' });
  });

  it('the risk-register command rebuilds an emptied register the same way', () => {
    const out = tempDir('emptied-show');
    auditBase(out, '--quiet');
    const path = livingPath(out);
    saveRegister(path, readRegister(path).map((r) => (r['Risk ID'] === 'IAM-004' ? { ...r, Notes: 'kept by the run copy' } : r)));
    auditBase(out, '--quiet');
    const before = readFileSync(path);
    writeFileSync(path, '');
    const shown = hipaaIam(['risk-register', '--out', out]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('kept by the run copy');
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('register-not-utf8: registers saved by spreadsheets are read without losing a character, or refused', () => {
  const note = 'Rev. Müller, café';
  it.each<[string, BufferEncoding | 'utf-8-bom', string]>([
    ['Windows-1252 (Latin-1) with CRLF', 'latin1', '\r\n'],
    ['UTF-8 with a BOM and CRLF', 'utf-8-bom', '\r\n'],
    ['UTF-16LE with a BOM', 'utf16le', '\r\n'],
  ])('%s: Notes come back intact, and the file stays readable by the spreadsheet', (_label, encoding, eol) => {
    const out = tempDir('encoding');
    auditBase(out, '--quiet');
    const path = livingPath(out);
    const rows = readRegister(path).map((r) => (r['Risk ID'] === 'IAM-004' ? { ...r, Owner: 'Zoë Ångström', Notes: note } : r));
    saveRegister(path, rows, encoding, eol);
    if (encoding === 'utf16le') writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), readFileSync(path)]));

    expect(auditBase(out, '--quiet').status).toBe(3);
    const bytes = readFileSync(path);
    // Written back as UTF-8 with a BOM, so Excel does not take it for the local code page.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(readRegister(path).find((r) => r['Risk ID'] === 'IAM-004')).toMatchObject({ Owner: 'Zoë Ångström', Notes: note });
    expect(bytes.toString('utf8')).not.toContain('\ufffd');
  });

  it('a register in neither UTF-8 nor Windows-1252 is refused in one line, exit 2, and left as it was', () => {
    const out = tempDir('encoding-refused');
    auditBase(out, '--quiet');
    const path = livingPath(out);
    // 0x81 and 0x8d are undefined in Windows-1252: the line was typed in some other code page.
    const bytes = Buffer.concat([readFileSync(path), Buffer.from('IAM-999,note \x81\x8d\n', 'latin1')]);
    writeFileSync(path, bytes);
    const refused = auditBase(out, '--quiet');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^hipaa-iam: the living risk register .* cannot be read \(it is neither UTF-8 nor Windows-1252 \(byte 0x81 at offset \d+\); save it as "CSV UTF-8"\); fix it or move it aside, then rerun\n$/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(runFolders(out, ACCOUNT)).toHaveLength(1);
  });

  it('a UTF-8 register with a line added in Windows-1252 is refused, not half re-read', () => {
    const out = tempDir('encoding-mixed');
    auditBase(out, '--quiet');
    const path = livingPath(out);
    // The register holds "§" in UTF-8 (HIPAA Standard); "café" below is Latin-1.
    const bytes = Buffer.concat([readFileSync(path), Buffer.from('IAM-999,,,,,,,,,,,café\n', 'latin1')]);
    writeFileSync(path, bytes);
    const refused = auditBase(out, '--quiet');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^hipaa-iam: the living risk register .* cannot be read \(it mixes UTF-8 with another encoding; save it as "CSV UTF-8"\); fix it or move it aside, then rerun\n$/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });
});

describe('register-partial-file-left: nothing a killed run leaves behind survives the next run', () => {
  it('removes a dead run\'s half register (either name) and its lock, and keeps a live one\'s', () => {
    const out = tempDir('partial');
    auditBase(out, '--quiet');
    const dir = join(out, ACCOUNT);
    const dead = deadPid();
    writeFileSync(join(dir, `risk-register.csv.${dead}.partial`), 'Risk ID,Risk Descr');
    writeFileSync(join(dir, `.risk-register.csv.${dead}.partial`), 'Risk ID,Risk Descr');
    writeFileSync(join(dir, '.hipaa-iam.lock'), `${JSON.stringify({ pid: dead, host: hostname(), since: new Date().toISOString() })}\n`);
    const live = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, `.risk-register.csv.${live.pid}.partial`), 'being written');
      const next = auditBase(out, '--quiet');
      expect(next.status).toBe(3);
      expect(readdirSync(dir).filter((name) => name.startsWith('.') || name.endsWith('.partial')).sort()).toEqual([`.risk-register.csv.${live.pid}.partial`]);
    } finally {
      live.kill();
    }
    expect(runFolders(out, ACCOUNT)).toHaveLength(2);
  });

  it('a run killed while it writes leaves the old register whole, and the next run sweeps what it left', async () => {
    const out = tempDir('killed-register');
    auditBase(out, '--quiet');
    const path = livingPath(out);
    saveRegister(path, readRegister(path).map((r) => ({ ...r, Notes: 'KEEP' })));
    for (const delay of [150, 300, 450, 600, 750]) {
      const child = spawn(process.execPath, [BIN, 'audit', '--snapshot', BASE, '--out', out, '--quiet'], { stdio: 'ignore' });
      // Listened for from the start: a fast machine may finish the run before the kill, and an
      // 'exit' already emitted is never emitted again.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await exited;
      expect(readRegister(path).every((r) => r.Notes === 'KEEP'), `killed after ${delay} ms`).toBe(true);
    }
    expect(auditBase(out, '--quiet').status).toBe(3);
    expect(readdirSync(join(out, ACCOUNT)).filter((name) => name.startsWith('.') || name.endsWith('.partial'))).toEqual([]);
    expect(readRunArchive(out, ACCOUNT).unverified).toEqual([]);
  });
});

describe('register-notes-edited-during-run: an edit saved while a run judges survives', () => {
  it('re-reads the living register after judging, so a note saved mid-run is merged, not overwritten', () => {
    const out = tempDir('edited-during-run');
    const snapshot = loadSnapshot(BASE);
    const run = (clock?: () => Date) =>
      audit({ command: 'audit', checks: ALL_CHECKS, snapshot, startedAt: new Date(), outDir: out, failOn: 'low', colour: colourFor({ isTTY: false }), ...(clock ? { clock } : {}) });
    run();
    const path = livingPath(out);
    saveRegister(path, readRegister(path).map((r) => ({ ...r, Notes: 'NOTE-BEFORE' })));
    // The clock is read once the checks have judged: long after the register was first read (conc_test.py: 15 s into 40).
    run(() => {
      saveRegister(path, readRegister(path).map((r) => ({ ...r, Notes: 'NOTE-EDITED-DURING-RUN' })));
      return new Date();
    });
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('NOTE-BEFORE');
    expect(readRegister(path).every((r) => r.Notes === 'NOTE-EDITED-DURING-RUN')).toBe(true);
  });
});

describe('concurrent-audits: eight audits into one --out while a person saves Notes every 100 ms', () => {
  it('all complete, every run verifies, and every note saved is in the final register', async () => {
    const out = tempDir('concurrent');
    expect(auditBase(out, '--quiet').status).toBe(3);
    const path = livingPath(out);
    const saved: string[] = [];
    let failures = 0;
    // A person in a spreadsheet: open the newest file, add a note to a row, save (by rename).
    const saveNote = () => {
      try {
        const rows = readRegister(path);
        const note = `N${saved.length + 1}`;
        const row = rows[saved.length % rows.length]!;
        row.Notes = row.Notes ? `${row.Notes} ${note}` : note;
        saveRegister(path, rows);
        saved.push(note);
      } catch {
        failures += 1;
      }
    };
    const editor = setInterval(saveNote, 100);
    const children = Array.from({ length: 8 }, () => spawn(process.execPath, [BIN, 'audit', '--snapshot', BASE, '--out', out, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] }));
    const results = await Promise.all(
      children.map(
        (child) =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            let stderr = '';
            child.stderr.on('data', (chunk) => (stderr += chunk));
            child.once('close', (code) => resolve({ code, stderr }));
          }),
      ),
    );
    clearInterval(editor);
    saveNote();

    // Each run exits as an audit of this snapshot does (3: it has ERROR findings), with nothing on stderr.
    expect(results).toEqual(Array.from({ length: 8 }, () => ({ code: 3, stderr: '' })));
    const archive = readRunArchive(out, ACCOUNT);
    expect(archive.runs).toHaveLength(9);
    expect(archive.unverified).toEqual([]);
    expect(readdirSync(join(out, ACCOUNT)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(failures).toBe(0);
    expect(saved.length).toBeGreaterThan(5);
    const notes = readRegister(path).map((r) => r.Notes).join(' ').split(' ');
    expect(saved.filter((note) => !notes.includes(note))).toEqual([]);
    expect(existsSync(`${path}.edit`)).toBe(false);
  }, 60_000);
});
