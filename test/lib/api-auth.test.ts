import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../lib/api-auth';
import { UnauthorizedError } from '../../lib/errors';

const expected = { apiKey: 'bridge-key', apiSecret: 'bridge-secret' };
const body = '{"key":"rooms/r1/a.pdf"}';
const signature = createHmac('sha256', 'bridge-secret').update(body).digest('hex');

describe('authenticateRequest', () => {
  it('accepts the lowercase hex HMAC of the raw body', () => {
    expect(() => authenticateRequest({ 'api-key': 'bridge-key', 'hash-signature': signature }, body, expected)).not.toThrow();
  });

  it.each([
    ['a missing API-KEY', { 'hash-signature': signature }],
    ['a wrong API-KEY', { 'api-key': 'other', 'hash-signature': signature }],
    ['a missing signature', { 'api-key': 'bridge-key' }],
    ['an uppercase signature', { 'api-key': 'bridge-key', 'hash-signature': signature.toUpperCase() }],
    ['a signature of another body', { 'api-key': 'bridge-key', 'hash-signature': createHmac('sha256', 'bridge-secret').update(`${body} `).digest('hex') }],
    ['a signature with another secret', { 'api-key': 'bridge-key', 'hash-signature': createHmac('sha256', 'x').update(body).digest('hex') }],
  ])('rejects %s', (_case, headers: Record<string, string>) => {
    // Act
    const attempt = () => authenticateRequest(headers, body, expected);

    // Assess
    expect(attempt).toThrow(UnauthorizedError);
  });

  it('keeps the secret and the expected signature out of the message', () => {
    // Act
    let message = '';
    try {
      authenticateRequest({ 'api-key': 'bridge-key', 'hash-signature': 'deadbeef' }, body, expected);
    } catch (error) {
      message = (error as Error).message;
    }

    // Assess
    expect(message).not.toContain('bridge-secret');
    expect(message).not.toContain(signature);
    expect(message).toContain('HASH-SIGNATURE');
  });
});
