import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Computes the lowercase hex HMAC-SHA256 of `data` keyed with the UTF-8 bytes of `secret`: the
 * `HASH-SIGNATURE` format of plugNmeet's API, which the bridge's own API reuses.
 */
export function hmacSha256Hex(secret: string, data: string | Uint8Array): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/**
 * Checks a lowercase hex signature in constant time. Uppercase hex is rejected, as the
 * plugNmeet server rejects it, so that callers learn the exact format once.
 */
export function isValidHexSignature(secret: string, data: string | Uint8Array, signature: string): boolean {
  const expected = Buffer.from(hmacSha256Hex(secret, data), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
