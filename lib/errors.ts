/**
 * Error classes of the bridge. Every failure that leaves a lib module is one of these, with a
 * stable `code` for callers and operators and a `retryable` flag that the worker and the HTTP
 * functions act on. Callers decide from `retryable` and the class, never from message text.
 */

/** Facts about a failure, kept as fields so that logs and failure records carry them. */
export interface ErrorFacts {
  roomId?: string;
  bucket?: string;
  key?: string;
  /** HTTP status that the plugNmeet server or S3 returned. */
  httpStatus?: number;
  /** The server's `status_code` string, for example `CONFLICT`. */
  upstreamCode?: string;
  /** The server's `msg`, kept verbatim so that operators see the server's reason. */
  upstreamMessage?: string;
}

export interface BridgeErrorOptions extends ErrorOptions {
  facts?: ErrorFacts;
}

/** Base class: a failure with a stable code and a retry decision. */
export abstract class BridgeError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly facts: ErrorFacts;

  constructor(message: string, options: BridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.facts = options.facts ?? {};
  }

  /** Returns the fields worth logging or storing, without the stack or the cause. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, retryable: this.retryable, message: this.message, ...this.facts };
  }
}

/** A setting is missing or invalid; the function cannot start. */
export class ConfigError extends BridgeError {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  readonly retryable = false;
}

/** A request or event carries an invalid value (room id, key, bucket, body shape). */
export class InvalidInputError extends BridgeError {
  override readonly name = 'InvalidInputError';
  readonly code = 'INVALID_INPUT';
  readonly retryable = false;
}

/** A caller of our HTTP API sent a missing or wrong API key or signature. */
export class UnauthorizedError extends BridgeError {
  override readonly name = 'UnauthorizedError';
  readonly code = 'UNAUTHORIZED';
  readonly retryable = false;
}

/** The bucket is not in the configured allowlist. */
export class BucketNotAllowedError extends BridgeError {
  override readonly name = 'BucketNotAllowedError';
  readonly code = 'BUCKET_NOT_ALLOWED';
  readonly retryable = false;
}

/** The S3 object does not exist (or no longer has the version or ETag a link was made for). */
export class ObjectNotFoundError extends BridgeError {
  override readonly name: string = 'ObjectNotFoundError';
  readonly code: string = 'S3_OBJECT_NOT_FOUND';
  readonly retryable = false;
}

/**
 * The S3 object was replaced since its job or link was made: its ETag no longer matches. A subclass
 * of ObjectNotFoundError, because the version that was asked for is gone.
 */
export class ObjectChangedError extends ObjectNotFoundError {
  override readonly name = 'ObjectChangedError';
  override readonly code = 'S3_OBJECT_CHANGED';
}

/** The file's type is outside the allowlist of types the server can convert. */
export class UnsupportedFileTypeError extends BridgeError {
  override readonly name = 'UnsupportedFileTypeError';
  readonly code = 'UNSUPPORTED_FILE_TYPE';
  readonly retryable = false;
}

/** The file is larger than the configured size limit. */
export class FileTooLargeError extends BridgeError {
  override readonly name = 'FileTooLargeError';
  readonly code = 'FILE_TOO_LARGE';
  readonly retryable = false;
}

/** S3 failed in a way that may pass (throttling, 5xx, network). */
export class S3UnavailableError extends BridgeError {
  override readonly name = 'S3UnavailableError';
  readonly code = 'S3_UNAVAILABLE';
  readonly retryable = true;
}

/** S3 denied access to the object: a permission or KMS setting is wrong. */
export class S3AccessDeniedError extends BridgeError {
  override readonly name = 'S3AccessDeniedError';
  readonly code = 'S3_ACCESS_DENIED';
  readonly retryable = false;
}

/** The server returned 409: another upload has the room's lock. */
export class RoomBusyError extends BridgeError {
  override readonly name = 'RoomBusyError';
  readonly code = 'ROOM_BUSY';
  readonly retryable = true;
}

/**
 * The room does not exist on the server, or has ended. Retryable, because a preloaded file may
 * arrive before its class starts; the worker gives up at the message's deadline.
 */
export class RoomNotActiveError extends BridgeError {
  override readonly name = 'RoomNotActiveError';
  readonly code: 'ROOM_NOT_FOUND' | 'ROOM_NOT_ACTIVE';
  readonly retryable = true;

  constructor(message: string, code: 'ROOM_NOT_FOUND' | 'ROOM_NOT_ACTIVE', options: BridgeErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}

/** The room is active but has no presenter, and the presenter rule is on. */
export class PresenterMissingError extends BridgeError {
  override readonly name = 'PresenterMissingError';
  readonly code = 'PRESENTER_MISSING';
  readonly retryable = true;
}

/** The server rejected our API key or signature: the bridge's plugNmeet settings are wrong. */
export class ServerAuthError extends BridgeError {
  override readonly name = 'ServerAuthError';
  readonly code = 'SERVER_AUTH_FAILED';
  readonly retryable = false;
}

/** The server rejected the file (HTTP 400 or 413), with its reason in `facts.upstreamMessage`. */
export class FileRejectedError extends BridgeError {
  override readonly name = 'FileRejectedError';
  readonly code = 'FILE_REJECTED';
  readonly retryable = false;
}

/** The server returned a 5xx status or a body the bridge could not read. */
export class ServerError extends BridgeError {
  override readonly name = 'ServerError';
  readonly code = 'SERVER_ERROR';
  readonly retryable = true;
}

/** The request did not reach the server, or the connection broke before any response. */
export class NetworkError extends BridgeError {
  override readonly name = 'NetworkError';
  readonly code = 'NETWORK_ERROR';
  readonly retryable = true;
}

/**
 * Cause of an upload that ended without the server's own response:
 * - `timeout`: no response within the upload timeout; the server is most likely still converting;
 * - `gateway`: a proxy in front of the server returned 502, 503 or 504, most often because its
 *   read timeout ended while the server kept converting;
 * - `connection-lost`: the connection broke after the request was sent, most often because the
 *   server process restarted or crashed, which ends its conversion too.
 */
export type UnknownOutcomeKind = 'timeout' | 'gateway' | 'connection-lost';

/**
 * The upload reached the server, as far as the bridge can tell, but its response did not come
 * back. The server may still be downloading and converting the file while it holds the room's
 * lock, so the upload must not be sent again at once.
 */
export class UploadOutcomeUnknownError extends BridgeError {
  override readonly name = 'UploadOutcomeUnknownError';
  readonly code = 'UPLOAD_OUTCOME_UNKNOWN';
  readonly retryable = false;
  readonly kind: UnknownOutcomeKind;

  constructor(message: string, kind: UnknownOutcomeKind, options: BridgeErrorOptions = {}) {
    super(message, options);
    this.kind = kind;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: this.kind };
  }
}

/**
 * The server downloaded the file but never confirmed the upload, because the bridge's own upload
 * timeout ended first. The file is most likely on the whiteboard, but a server restart during the
 * conversion would have lost it, and plugNmeet offers no call to check.
 */
export class UploadUnconfirmedError extends BridgeError {
  override readonly name = 'UploadUnconfirmedError';
  readonly code = 'UPLOAD_UNCONFIRMED';
  readonly retryable = false;
}

/** A queued file's deadline passed before it could be delivered. */
export class DeadlineExceededError extends BridgeError {
  override readonly name = 'DeadlineExceededError';
  readonly code = 'DEADLINE_EXCEEDED';
  readonly retryable = false;
}

/** Enqueueing to SQS failed after retries. */
export class QueueError extends BridgeError {
  override readonly name = 'QueueError';
  readonly code = 'QUEUE_ERROR';
  readonly retryable = true;
}

/** Returns `error` when it is a BridgeError, and `undefined` otherwise. */
export function asBridgeError(error: unknown): BridgeError | undefined {
  return error instanceof BridgeError ? error : undefined;
}

/** A document-link token is malformed, tampered with, or expired. The link function returns 403 without detail. */
export class InvalidLinkTokenError extends BridgeError {
  override readonly name = 'InvalidLinkTokenError';
  readonly code = 'LINK_TOKEN_INVALID';
  readonly retryable = false;
}

/** The S3 object is empty (0 bytes), so there is nothing to convert to whiteboard pages. */
export class EmptyObjectError extends BridgeError {
  override readonly name = 'EmptyObjectError';
  readonly code = 'S3_OBJECT_EMPTY';
  readonly retryable = false;
}
