import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUTS, parseTimeoutSeconds, resolveTimeouts } from '../../src/collect/live-settings.js';
import { InputError } from '../../src/errors.js';
import { hipaaIam } from '../support/cli.js';

describe('request and connection timeouts', () => {
  it.each<[string, number | null]>([
    ['30', 30],
    ['2.5', 2.5],
    [' 0.1 ', 0.1],
    ['3600', 3600],
    ['0', null],
    ['0.05', null],
    ['3601', null],
    ['-1', null],
    ['1e3', null],
    ['30s', null],
    ['', null],
  ])('seconds %j → %j', (value, seconds) => {
    expect(parseTimeoutSeconds(value)).toBe(seconds);
  });

  it('takes an option first, then HIPAA_IAM_CONNECT_TIMEOUT / HIPAA_IAM_REQUEST_TIMEOUT (seconds), then the defaults', () => {
    expect(resolveTimeouts({}, {})).toEqual(DEFAULT_TIMEOUTS);
    expect(DEFAULT_TIMEOUTS).toEqual({ connectMs: 5_000, requestMs: 60_000 });
    expect(resolveTimeouts({}, { HIPAA_IAM_CONNECT_TIMEOUT: '2', HIPAA_IAM_REQUEST_TIMEOUT: '0.5' })).toEqual({ connectMs: 2_000, requestMs: 500 });
    expect(resolveTimeouts({ requestMs: 250 }, { HIPAA_IAM_REQUEST_TIMEOUT: '9' })).toEqual({ connectMs: 5_000, requestMs: 250 });
  });

  it('refuses an environment value that is not a number of seconds, naming the variable', () => {
    expect(() => resolveTimeouts({}, { HIPAA_IAM_REQUEST_TIMEOUT: 'forever' })).toThrow(InputError);
    expect(() => resolveTimeouts({}, { HIPAA_IAM_REQUEST_TIMEOUT: '0' })).toThrow(/^HIPAA_IAM_REQUEST_TIMEOUT=0 is not a number of seconds from 0.1 to 3600$/);
  });

  it.each([
    [['audit', '--request-timeout', 'soon'], /option '--request-timeout <seconds>' argument 'soon' is invalid\. expected a number of seconds from 0\.1 to 3600/],
    [['audit', '--connect-timeout', '0'], /option '--connect-timeout <seconds>' argument '0' is invalid/],
    [['audit', '--demo', '--request-timeout', '5'], /cannot be used with option '--demo'|--demo.*--request-timeout|--request-timeout.*--demo/],
  ])('the command line refuses %j with one line, exit 2', (args, message) => {
    const result = hipaaIam(args);

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad HIPAA_IAM_REQUEST_TIMEOUT stops a live run before any call, with one line, exit 2', () => {
    const result = hipaaIam(['collect', '--save', '/tmp/hipaa-iam-never-written.json'], { HIPAA_IAM_REQUEST_TIMEOUT: 'forever', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/HIPAA_IAM_REQUEST_TIMEOUT=forever is not a number of seconds/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
