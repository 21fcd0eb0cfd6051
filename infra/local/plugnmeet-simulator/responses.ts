import type { ServerResponse } from 'node:http';

/** Names of plugnmeet-protocol's `StatusCode` enum that the simulated routes return. */
export const STATUS_CODE = {
  SUCCESS: 'SUCCESS',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_TOKEN_OR_SIGNATURE: 'INVALID_TOKEN_OR_SIGNATURE',
  INVALID_API_KEY: 'INVALID_API_KEY',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  INVALID_PARAMETERS: 'INVALID_PARAMETERS',
  MISSING_REQUIRED_PARAMETER: 'MISSING_REQUIRED_PARAMETER',
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  ROOM_NOT_ACTIVE: 'ROOM_NOT_ACTIVE',
} as const;

export type StatusCode = (typeof STATUS_CODE)[keyof typeof STATUS_CODE];

/**
 * Sends a protojson body, as `utils.SendProtoJsonResponse` does: Content-Type `application/json`,
 * proto field names, every field present. `body` must already list its keys in proto field order.
 */
export function sendProtoJson(res: ServerResponse, httpStatus: number, body: Record<string, unknown>): void {
  sendBytes(res, httpStatus, 'application/json', Buffer.from(JSON.stringify(body), 'utf8'));
}

/** Sends a protojson `CommonResponse` (`status`, `msg`, `status_code`), the success and auth-error shape. */
export function sendCommonProtoJson(res: ServerResponse, httpStatus: number, ok: boolean, msg: string, statusCode: StatusCode): void {
  sendProtoJson(res, httpStatus, { status: ok, msg, status_code: statusCode });
}

/**
 * Sends the handler-error shape of `commonFileErrorResponse`: Fiber's `c.JSON(fiber.Map)`, so the
 * Content-Type carries a charset and the keys come out sorted.
 */
export function sendFiberMapError(res: ServerResponse, httpStatus: number, msg: string, statusCode: StatusCode): void {
  // Fiber encodes with goccy/go-json, which escapes HTML characters as Go's encoding/json does.
  const body = JSON.stringify({ msg, status: false, status_code: statusCode }).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  sendBytes(res, httpStatus, 'application/json; charset=utf-8', Buffer.from(body, 'utf8'));
}

/**
 * Sends a protobuf `CommonResponse` as `SendCommonProtobufResponse` does for auth errors of
 * requests whose Content-Type is exactly `application/protobuf`. That function sets only `status`
 * and `msg`, and proto3 leaves a false `status` out of the encoding.
 */
export function sendCommonProtobuf(res: ServerResponse, httpStatus: number, ok: boolean, msg: string): void {
  const parts: Buffer[] = [];
  if (ok) parts.push(Buffer.from([0x08, 0x01]));
  const text = Buffer.from(msg, 'utf8');
  if (text.length > 0) parts.push(Buffer.from([0x12]), encodeVarint(text.length), text);
  sendBytes(res, httpStatus, 'application/protobuf', Buffer.concat(parts));
}

/** Sends a plain-text body, as Fiber's `SendString` and fasthttp's own errors do. */
export function sendText(res: ServerResponse, httpStatus: number, text: string, options: { closeConnection?: boolean } = {}): void {
  if (options.closeConnection) res.setHeader('Connection', 'close');
  sendBytes(res, httpStatus, 'text/plain; charset=utf-8', Buffer.from(text, 'utf8'));
}

function sendBytes(res: ServerResponse, httpStatus: number, contentType: string, body: Buffer): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = httpStatus;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
