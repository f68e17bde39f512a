import { describe, expect, it } from 'vitest';
import { asList, decodePolicyDocument, PolicyDocumentError, statementsOf } from '../../src/policy/document.js';

const DOC = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } };

describe('decodePolicyDocument', () => {
  it.each<[string, unknown]>([
    ['an object', DOC],
    ['a JSON string', JSON.stringify(DOC)],
    ['a URL-encoded JSON string (IAM query API)', encodeURIComponent(JSON.stringify(DOC))],
    ['URL-encoded with + for spaces', encodeURIComponent(JSON.stringify(DOC, null, 1)).replace(/%20/g, '+')],
  ])('reads %s', (_label, raw) => {
    const document = decodePolicyDocument(raw);
    expect(statementsOf(document)).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
  });

  it.each<[string, unknown, string]>([
    ['text that is not JSON', 'not a policy', 'not JSON'],
    ['JSON without Statement', '{"Version":"2012-10-17"}', 'Statement'],
    ['a statement with a bad Effect', { Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] }, 'Statement.0.Effect'],
  ])('rejects %s', (_label, raw, mention) => {
    expect(() => decodePolicyDocument(raw)).toThrow(PolicyDocumentError);
    expect(() => decodePolicyDocument(raw)).toThrow(mention);
  });

  it('lists single values and lists alike', () => {
    expect(asList('a')).toEqual(['a']);
    expect(asList(['a', 'b'])).toEqual(['a', 'b']);
    expect(asList(undefined)).toEqual([]);
  });
});
