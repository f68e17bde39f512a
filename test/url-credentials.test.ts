import { describe, expect, it } from 'vitest';
import { errorMessage } from '../src/errors.js';
import { withoutUrlCredentials } from '../src/url-credentials.js';

describe('withoutUrlCredentials', () => {
  it.each([
    ['http://auditor:EnDpOiNtPaSsWoRd@127.0.0.1:46833', 'http://127.0.0.1:46833'],
    ['endpoint https://token@proxy.example.com/ and more', 'endpoint https://proxy.example.com/ and more'],
    ['http://user:p@ss@host:1/path', 'http://host:1/path'],
    [
      'https://bucket.s3.amazonaws.com/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261129%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=IQoJb3JpZ2lu&X-Amz-Signature=abcdef0123',
      'https://bucket.s3.amazonaws.com/key?X-Amz-Algorithm=REDACTED&X-Amz-Credential=REDACTED&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED',
    ],
    ['http://localhost:4566/?token=s3cr3t#frag', 'http://localhost:4566/?token=REDACTED#frag'],
    ['signed with X-Amz-Signature=abc123 and X-Amz-Credential=AKIA/2026', 'signed with X-Amz-Signature=REDACTED and X-Amz-Credential=REDACTED'],
    ['connect ECONNREFUSED 127.0.0.1:1', 'connect ECONNREFUSED 127.0.0.1:1'],
    ['mail alice@example.com about arn:aws:iam::123456789012:user/alice', 'mail alice@example.com about arn:aws:iam::123456789012:user/alice'],
    ['http://127.0.0.1:4566', 'http://127.0.0.1:4566'],
    // Punctuation closing the sentence around a URL is not part of its last value.
    ['(endpoint http://h:1/?X-Amz-Security-Token=ToKeN), so', '(endpoint http://h:1/?X-Amz-Security-Token=REDACTED), so'],
    ['see http://h/?a=1&b=2.', 'see http://h/?a=REDACTED&b=REDACTED.'],
  ])('%s', (text, expected) => {
    expect(withoutUrlCredentials(text)).toBe(expected);
    expect(withoutUrlCredentials(expected)).toBe(expected);
  });

  it('is applied to every error turned into text', () => {
    expect(errorMessage(new Error('getaddrinfo ENOTFOUND for http://a:SeCrEt@nowhere.invalid'))).toBe('getaddrinfo ENOTFOUND for http://nowhere.invalid');
    expect(errorMessage('Invalid URL http://a:SeCrEt@[x')).not.toContain('SeCrEt');
  });
});
