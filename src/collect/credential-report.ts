import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { parseCredentialReportCsv } from '../snapshot/credential-report.js';
import type { CredentialReport } from '../snapshot/schema.js';
import { required } from './source-error.js';

export interface CredentialReportTiming {
  /** Waits between polls; injected so tests need not sleep. */
  sleep: (ms: number) => Promise<void>;
  /** Give up after this long in total. */
  deadlineMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_TIMING: CredentialReportTiming = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  deadlineMs: 5 * 60_000,
  firstDelayMs: 1_000,
  maxDelayMs: 15_000,
};

/**
 * Generates (or reuses: AWS regenerates at most every 4 hours) the credential report,
 * polls with exponential backoff until it is ready, and fetches it.
 */
export async function fetchCredentialReport(iam: IAMClient, timing: CredentialReportTiming = DEFAULT_TIMING): Promise<CredentialReport> {
  let waited = 0;
  let delay = timing.firstDelayMs;
  let generations = 0;
  const generate = async () => {
    generations += 1;
    try {
      await iam.send(new GenerateCredentialReportCommand({}));
    } catch (error) {
      // LimitExceeded: a generation is already under way or was just made; polling picks it up.
      if (errorName(error) !== 'LimitExceededException' && errorName(error) !== 'LimitExceeded') throw error;
    }
  };

  await generate();
  for (;;) {
    try {
      const response = await iam.send(new GetCredentialReportCommand({}));
      const text = new TextDecoder().decode(required(response.Content, 'GetCredentialReport', 'Content'));
      return {
        generatedAt: response.GeneratedTime ? response.GeneratedTime.toISOString() : null,
        rows: parseCredentialReportCsv(text),
      };
    } catch (error) {
      const name = errorName(error);
      const notReady = name === 'CredentialReportNotReadyException' || name === 'ReportInProgress';
      const missing =
        name === 'CredentialReportNotPresentException' || name === 'ReportNotPresent' ||
        name === 'CredentialReportExpiredException' || name === 'ReportExpired';
      if (!notReady && !missing) throw error;
      if (missing && generations >= 3) throw new Error(`credential report still absent after ${generations} generation requests (${name})`);
      if (waited + delay > timing.deadlineMs) {
        throw new Error(`credential report not ready after ${Math.round(waited / 1000)} s of polling (${name})`);
      }
      await timing.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, timing.maxDelayMs);
      if (missing) await generate();
    }
  }
}

function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; Code?: string };
    return e.name ?? e.Code ?? '';
  }
  return '';
}
