import { describe, expect, it } from 'vitest';
import { createAwsClients, shareCredentials, type CredentialProvider } from '../../src/collect/aws-clients.js';

type Credentials = Awaited<ReturnType<CredentialProvider>>;

/** A provider that counts how often it is asked, as AssumeRole would be. */
function countingProvider(answers: (() => Credentials | Promise<Credentials>)[]) {
  const provider = Object.assign(
    async () => {
      const answer = answers[Math.min(provider.calls, answers.length - 1)]!;
      provider.calls += 1;
      return answer();
    },
    { calls: 0 },
  );
  return provider;
}
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe('shareCredentials', () => {
  it('asks once for all clients, even when they ask at the same time', async () => {
    const provider = countingProvider([() => ({ accessKeyId: 'a', secretAccessKey: 's', expiration: inMinutes(60) })]);
    const shared = shareCredentials(provider as unknown as CredentialProvider);

    const answers = await Promise.all(Array.from({ length: 20 }, () => shared()));
    await shared();

    expect(provider.calls).toBe(1);
    expect(new Set(answers.map((c) => c.accessKeyId))).toEqual(new Set(['a']));
  });

  it('asks again when the credentials expire within five minutes', async () => {
    const provider = countingProvider([
      () => ({ accessKeyId: 'old', secretAccessKey: 's', expiration: inMinutes(4) }),
      () => ({ accessKeyId: 'new', secretAccessKey: 's', expiration: inMinutes(60) }),
    ]);
    const shared = shareCredentials(provider as unknown as CredentialProvider);

    expect((await shared()).accessKeyId).toBe('old');
    expect((await shared()).accessKeyId).toBe('new');
    expect((await shared()).accessKeyId).toBe('new');
    expect(provider.calls).toBe(2);
  });

  it('does not keep a failure: the next client asks again', async () => {
    const provider = countingProvider([
      () => Promise.reject(new Error('AssumeRole throttled')),
      () => ({ accessKeyId: 'a', secretAccessKey: 's' }),
    ]);
    const shared = shareCredentials(provider as unknown as CredentialProvider);

    await expect(shared()).rejects.toThrow('AssumeRole throttled');
    expect((await shared()).accessKeyId).toBe('a');
    expect(provider.calls).toBe(2);
  });
});

describe('createAwsClients', () => {
  it('makes regional clients in the region asked for, global ones in the collection region', async () => {
    const clients = await createAwsClients({ region: 'eu-west-1' }, {});
    const analyzer = clients.accessAnalyzerIn('ap-southeast-2');
    const trail = clients.cloudTrailIn('us-west-2');

    expect(clients.region).toBe('eu-west-1');
    expect(await clients.ec2.config.region()).toBe('eu-west-1');
    expect(await analyzer.config.region()).toBe('ap-southeast-2');
    expect(await trail.config.region()).toBe('us-west-2');
    // The same retry settings as the IAM client.
    expect(await analyzer.config.maxAttempts()).toBe(8);
    expect(await trail.config.maxAttempts()).toBe(8);
    for (const client of [clients.iam, clients.sts, clients.organizations, clients.ec2, analyzer, trail]) client.destroy();
  });
});
