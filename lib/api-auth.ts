import { UnauthorizedError } from './errors';
import { isValidHexSignature } from './hmac';

/**
 * Authenticates a caller of the bridge's HTTP API the way plugNmeet authenticates its own callers:
 * an `API-KEY` header equal to the bridge's key, and a `HASH-SIGNATURE` header holding the
 * lowercase hex HMAC-SHA256 of the raw request body, keyed with the bridge's API secret.
 *
 * @param headers - request headers with lowercase names (API Gateway v2 lowercases them)
 * @throws {UnauthorizedError} naming what is missing or wrong, never the expected values
 */
export function authenticateRequest(
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: string | Uint8Array,
  expected: { apiKey: string; apiSecret: string },
): void {
  const apiKey = headers['api-key'];
  if (!apiKey) throw new UnauthorizedError('Missing API-KEY header.');
  if (apiKey !== expected.apiKey) throw new UnauthorizedError('Invalid API-KEY.');
  const signature = headers['hash-signature'];
  if (!signature) {
    throw new UnauthorizedError('Missing HASH-SIGNATURE header: send the lowercase hex HMAC-SHA256 of the raw body.');
  }
  if (!isValidHexSignature(expected.apiSecret, rawBody, signature)) {
    throw new UnauthorizedError(
      'Invalid HASH-SIGNATURE: expected the lowercase hex HMAC-SHA256 of the exact raw body, keyed with the bridge API secret.',
    );
  }
}
