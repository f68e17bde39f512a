import { rmSync } from 'node:fs';
import { heldAccountLocks } from '../report/account-lock.js';

/** Exit codes for a run stopped by a signal: 128 + the signal's number, as shells report them. */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

let written = 'nothing was written for this run';

/**
 * What is true about this run's output if a signal stops it from now on, for the one line the
 * interrupt prints (`hipaa-iam: interrupted; <note>`). Commands update it as they write.
 */
export function setInterruptNote(note: string): void {
  written = note;
}

let installed = false;

/**
 * Ctrl-C (SIGINT) and SIGTERM print one line saying what was and was not written, and exit 130
 * or 143. Every write of a run is synchronous (judging, the run folder, the register, all under
 * the account lock), and a JavaScript signal handler runs only between synchronous steps, so it
 * never sees a half-written file or a held lock; any lock still listed is released anyway. While
 * a run waits for another run's lock (account-lock.ts), holding nothing, the signals keep their
 * default action and end the process at once, without this line.
 */
export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      for (const path of heldAccountLocks()) rmSync(path, { force: true });
      process.stderr.write(`hipaa-iam: interrupted; ${written}\n`);
      process.exit(INTERRUPT_EXIT_CODES[signal]);
    });
  }
}
