import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODE, type StatusCode } from './responses';

/** The reason the `/auth` middleware rejected a request: the `msg` and `status_code` of its 401 response. */
export interface AuthFailure {
  msg: string;
  statusCode: StatusCode;
}

/**
 * Returns the first value of a request header as raw bytes decoded one byte per character, or
 * an empty string when absent. fasthttp matches names case-insensitively and returns the first
 * value of a repeated header; Node stores header bytes as latin1, so no byte is lost.
 */
export function firstHeader(req: IncomingMessage, name: string): string {
  return req.headersDistinct[name.toLowerCase()]?.[0] ?? '';
}

/**
 * Checks the API-KEY and HASH-SIGNATURE headers in the server's order and returns the first
 * failure, or undefined when the request may pass.
 *
 * The signature is the lowercase hex HMAC-SHA256 (keyed with the secret's UTF-8 bytes) of the raw
 * body, or of the `Room-Id` header value when the Content-Type contains the case-sensitive
 * substring `multipart/form-data`. It is compared in constant time, so uppercase hex fails.
 */
export function checkAuthHeaders(req: IncomingMessage, rawBody: Buffer, apiKey: string, apiSecret: string): AuthFailure | undefined {
  const givenKey = firstHeader(req, 'API-KEY');
  const signature = firstHeader(req, 'HASH-SIGNATURE');

  if (givenKey === '') return { msg: 'Missing API-KEY header.', statusCode: STATUS_CODE.MISSING_REQUIRED_PARAMETER };
  if (givenKey !== apiKey) return { msg: 'Invalid API key provided.', statusCode: STATUS_CODE.INVALID_API_KEY };
  if (signature === '') return { msg: 'Missing HASH-SIGNATURE header.', statusCode: STATUS_CODE.MISSING_REQUIRED_PARAMETER };

  let signedBytes: Buffer = rawBody;
  if (firstHeader(req, 'Content-Type').includes('multipart/form-data')) {
    const roomId = firstHeader(req, 'Room-Id');
    if (roomId === '') {
      return { msg: 'Missing Room-Id header for multipart request.', statusCode: STATUS_CODE.MISSING_REQUIRED_PARAMETER };
    }
    signedBytes = Buffer.from(roomId, 'latin1');
  }

  const expected = Buffer.from(createHmac('sha256', Buffer.from(apiSecret, 'utf8')).update(signedBytes).digest('hex'), 'latin1');
  const given = Buffer.from(signature, 'latin1');
  // Go's subtle.ConstantTimeCompare returns 0 at once for different lengths, as this check does.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { msg: 'Failed to verify provided authentication details.', statusCode: STATUS_CODE.INVALID_TOKEN_OR_SIGNATURE };
  }
  return undefined;
}
