import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BridgeError, InvalidInputError } from './errors';
import { logger } from './logger';

/** HTTP status for each error code the API can return; codes not listed get 500. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  INVALID_INPUT: 400,
  BUCKET_NOT_ALLOWED: 400,
  UNAUTHORIZED: 401,
  S3_OBJECT_NOT_FOUND: 404,
  ROOM_NOT_FOUND: 404,
  ROOM_NOT_ACTIVE: 404,
  ROOM_BUSY: 409,
  PRESENTER_MISSING: 409,
  UNSUPPORTED_FILE_TYPE: 422,
  S3_OBJECT_EMPTY: 422,
  FILE_TOO_LARGE: 422,
  FILE_REJECTED: 422,
  SERVER_AUTH_FAILED: 502,
  SERVER_ERROR: 502,
  NETWORK_ERROR: 502,
  UPLOAD_OUTCOME_UNKNOWN: 502,
  S3_ACCESS_DENIED: 502,
  S3_UNAVAILABLE: 503,
  QUEUE_ERROR: 503,
};

/** Seconds a caller should wait before retrying after a 409; the server's lock usually clears sooner. */
const RETRY_AFTER_SECONDS = 10;

/** Returns the raw body bytes of an HTTP API event, decoding base64 when API Gateway used it. */
export function readRawBody(event: APIGatewayProxyEventV2): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Returns the event's headers with lowercase names. */
export function readHeaders(event: APIGatewayProxyEventV2): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * Parses a JSON object body.
 *
 * @throws {InvalidInputError} when the body is empty, not JSON, or not an object
 */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) throw new InvalidInputError('Missing request body: send a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidInputError('Invalid request body: it is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('Invalid request body: expected a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** Builds a JSON response. */
export function jsonResponse(statusCode: number, body: Record<string, unknown>, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Maps an error to the API's response: our errors keep their code and message, with 4xx detail and
 * a `Retry-After` on 409; anything else is logged and gets a generic 500 so that no
 * internal detail leaks.
 */
export function errorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof BridgeError) {
    const statusCode = STATUS_BY_CODE[error.code] ?? 500;
    const body = { status: 'error', code: error.code, message: error.message, retryable: error.retryable, ...error.facts };
    const headers: Record<string, string> = statusCode === 409 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
    if (statusCode >= 500) logger.error('request failed', { error });
    else logger.warn('request rejected', { code: error.code, reason: error.message });
    return jsonResponse(statusCode, body, headers);
  }
  logger.error('request failed with an unexpected error', { error: error as Error });
  return jsonResponse(500, { status: 'error', code: 'INTERNAL_ERROR', message: 'Internal error; see the bridge logs.' });
}
