import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchCredentialReport, type CredentialReportTiming } from '../../src/collect/credential-report.js';
import { CREDENTIAL_REPORT_REQUIRED_COLUMNS } from '../../src/snapshot/schema.js';

const HEADER = CREDENTIAL_REPORT_REQUIRED_COLUMNS.join(',');

const CSV = [
  HEADER,
  '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,true,false,false',
  'alice,arn:aws:iam::123456789012:user/alice,2021-02-03T04:05:06+00:00,true,N/A,false,true,false',
].join('\n');

const GENERATED = new Date('2024-06-01T12:34:56.000Z');

function reportResponse(csv = CSV) {
  return { Content: new TextEncoder().encode(csv), ReportFormat: 'text/csv' as const, GeneratedTime: GENERATED, $metadata: {} };
}

const notReady = () => new CredentialReportNotReadyException({ message: 'Report is being generated', $metadata: {} });
const notPresent = () => new CredentialReportNotPresentException({ message: 'No report exists', $metadata: {} });
const expired = () => new CredentialReportExpiredException({ message: 'Report expired', $metadata: {} });
const accessDenied = () =>
  new IAMServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: 'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:GetCredentialReport',
    $metadata: { httpStatusCode: 403 },
  });

describe('fetchCredentialReport', () => {
  const iamMock = mockClient(IAMClient);
  let iam: IAMClient;
  let sleep: ReturnType<typeof vi.fn<(ms: number) => Promise<void>>>;
  let timing: CredentialReportTiming;

  beforeEach(() => {
    iamMock.reset();
    iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    sleep = vi.fn(async (_ms: number) => {});
    timing = { sleep, deadlineMs: 60_000, firstDelayMs: 100, maxDelayMs: 1_000 };
  });

  afterEach(() => {
    iam.destroy();
  });

  it('generates, then gets and parses the CSV, with generatedAt as ISO', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves(reportResponse());

    const report = await fetchCredentialReport(iam, timing);

    expect(report.generatedAt).toBe('2024-06-01T12:34:56.000Z');
    expect(report.rows).toHaveLength(2);
    expect(report.rows[0]).toMatchObject({ user: '<root_account>', arn: 'arn:aws:iam::123456789012:root', mfa_active: 'true' });
    expect(report.rows[1]).toEqual({
      user: 'alice',
      arn: 'arn:aws:iam::123456789012:user/alice',
      user_creation_time: '2021-02-03T04:05:06+00:00',
      password_enabled: 'true',
      password_last_used: 'N/A',
      mfa_active: 'false',
      access_key_1_active: 'true',
      access_key_2_active: 'false',
    });
    // Generate strictly before Get, once each, and no waiting.
    const commands = iamMock.calls().map((c) => c.args[0].constructor.name);
    expect(commands).toEqual(['GenerateCredentialReportCommand', 'GetCredentialReportCommand']);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('gives generatedAt null when AWS sends no GeneratedTime', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(CSV) });

    const report = await fetchCredentialReport(iam, timing);

    expect(report.generatedAt).toBeNull();
    expect(report.rows.map((r) => r.user)).toEqual(['<root_account>', 'alice']);
  });

  it('proceeds to Get when Generate answers LimitExceededException', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .rejects(new LimitExceededException({ message: 'Rate exceeded', $metadata: {} }));
    iamMock.on(GetCredentialReportCommand).resolves(reportResponse());

    const report = await fetchCredentialReport(iam, timing);

    expect(report.rows).toHaveLength(2);
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(1);
  });

  it('propagates any other error from Generate without calling Get', async () => {
    iamMock.on(GenerateCredentialReportCommand).rejects(accessDenied());
    iamMock.on(GetCredentialReportCommand).resolves(reportResponse());

    await expect(fetchCredentialReport(iam, timing)).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(0);
  });

  it('polls with exponential backoff capped at maxDelayMs while the report is in progress', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED' });
    iamMock
      .on(GetCredentialReportCommand)
      .rejectsOnce(notReady())
      .rejectsOnce(notReady())
      .rejectsOnce(notReady())
      .rejectsOnce(notReady())
      .rejectsOnce(notReady())
      .resolves(reportResponse());

    const report = await fetchCredentialReport(iam, { sleep, deadlineMs: 60_000, firstDelayMs: 100, maxDelayMs: 500 });

    expect(report.rows).toHaveLength(2);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([100, 200, 400, 500, 500]);
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(6);
    // Not-ready is not "missing": no new generation is requested.
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(1);
  });

  it('recognises the wire code ReportInProgress as not ready', async () => {
    const wireError = Object.assign(new Error('in progress'), { name: 'ReportInProgress' });
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED' });
    iamMock.on(GetCredentialReportCommand).rejectsOnce(wireError).resolves(reportResponse());

    const report = await fetchCredentialReport(iam, timing);

    expect(report.rows).toHaveLength(2);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([100]);
  });

  it.each([
    ['CredentialReportNotPresentException', notPresent],
    ['CredentialReportExpiredException', expired],
  ])('requests another generation after %s', async (_name, makeError) => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED' });
    iamMock.on(GetCredentialReportCommand).rejectsOnce(makeError()).resolves(reportResponse());

    const report = await fetchCredentialReport(iam, timing);

    expect(report.rows).toHaveLength(2);
    const commands = iamMock.calls().map((c) => c.args[0].constructor.name);
    expect(commands).toEqual([
      'GenerateCredentialReportCommand',
      'GetCredentialReportCommand',
      'GenerateCredentialReportCommand',
      'GetCredentialReportCommand',
    ]);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([100]);
  });

  it('gives up after three generations when the report stays absent', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED' });
    iamMock.on(GetCredentialReportCommand).rejects(notPresent());

    await expect(fetchCredentialReport(iam, timing)).rejects.toThrow(/still absent after 3 generation requests/);
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3);
  });

  it('fails with "not ready" once the deadline runs out', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED' });
    iamMock.on(GetCredentialReportCommand).rejects(notReady());

    const promise = fetchCredentialReport(iam, { sleep, deadlineMs: 3_000, firstDelayMs: 1_000, maxDelayMs: 15_000 });

    await expect(promise).rejects.toThrow(/credential report not ready after 3 s of polling \(CredentialReportNotReadyException\)/);
    // 1000 + 2000 fits in the 3000 ms budget; the next 4000 ms wait would not.
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000, 2_000]);
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(3);
  });

  it('propagates AccessDenied from Get without waiting', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).rejects(accessDenied());

    await expect(fetchCredentialReport(iam, timing)).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('iam:GetCredentialReport'),
    });
    expect(sleep).not.toHaveBeenCalled();
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(1);
  });

  it('rejects content that is not a credential report', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves(reportResponse('user,arn\nalice,arn:aws:iam::123456789012:user/alice'));

    await expect(fetchCredentialReport(iam, timing)).rejects.toThrow(/not a credential report: missing column\(s\) user_creation_time/);
  });
});
