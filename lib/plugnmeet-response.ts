import {
  FileRejectedError,
  RoomBusyError,
  RoomNotActiveError,
  ServerAuthError,
  ServerError,
  UploadOutcomeUnknownError,
  type ErrorFacts,
} from './errors';

/**
 * Reading and mapping of plugNmeet server responses. Bodies come in two JSON styles: protojson
 * (`{"status":false,"msg":…,"status_code":…}`, whitespace varying between server builds) and
 * Fiber's `c.JSON` (sorted keys, `application/json; charset=utf-8`). Both are parsed, never
 * compared as bytes. Some responses are plain text: Fiber's `413 Request Entity Too Large` and
 * the catch-all `404 not found`.
 */

/** A response from the server, reduced to the fields the bridge acts on. */
export interface ServerReply {
  httpStatus: number;
  /** The `status` field: whether the call succeeded; undefined when the body has none. */
  status: boolean | undefined;
  /** The `msg` field, or the start of a body that is not JSON. */
  message: string | undefined;
  /** The `status_code` enum name, for example `CONFLICT`. */
  statusCode: string | undefined;
  /** The body, when it is a JSON object. */
  body: Record<string, unknown> | undefined;
}

/** Maximum number of characters of a non-JSON body kept as the message (an HTML error page can be long). */
const MAX_TEXT_MESSAGE_LENGTH = 300;

/**
 * Messages of HTTP 400 upload responses that report a fault of the server, not of the file. The
 * server answers 400 for every link-path failure and for a NATS error in its room check, so
 * these are distinguished by their text (plugNmeet v2.2.0 to v2.4, read from the server source).
 */
const SERVER_FAULT_MESSAGE_PREFIXES = [
  'error getting room info from NATS',
  'failed to create download directory',
  'failed to stat downloaded file',
  'failed to rename downloaded file',
  // The server could not fetch the document link: the bridge's link endpoint or S3 was down,
  // slow or failing, which says nothing about the file and usually passes.
  'failed to fetch file headers',
  'failed to download file: server returned 5',
  'failed to download file: Get ',
  'missing Content-Type header',
  "invalid MIME type: 'json'",
] as const;

/** Statuses that proxies and load balancers send when the server behind them is slow or gone. */
const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * Replaces every URL in a server message with its origin. The server quotes the document link in
 * some errors (`Head "https://…/links/<token>/…": …`), and the link carries a token or a presigned
 * signature, which must not reach logs, API responses or failure records.
 */
export function redactUrls(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (url) => {
    try {
      return `${new URL(url).origin}/…`;
    } catch {
      return '<url>';
    }
  });
}

const ROOM_INACTIVE_CODES = ['ROOM_NOT_FOUND', 'ROOM_NOT_ACTIVE'] as const;
type RoomInactiveCode = (typeof ROOM_INACTIVE_CODES)[number];

/** Returns `value` when it is a plain JSON object, and `undefined` otherwise. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Parses a response body as JSON when it is a JSON object, and keeps the text otherwise. */
export function parseServerReply(httpStatus: number, text: string): ServerReply {
  let body: Record<string, unknown> | undefined;
  try {
    body = asRecord(JSON.parse(text));
  } catch {
    body = undefined;
  }
  if (!body) {
    const trimmed = text.trim();
    return {
      httpStatus,
      status: undefined,
      message: trimmed === '' ? undefined : redactUrls(trimmed).slice(0, MAX_TEXT_MESSAGE_LENGTH),
      statusCode: undefined,
      body: undefined,
    };
  }
  return {
    httpStatus,
    status: typeof body.status === 'boolean' ? body.status : undefined,
    message: typeof body.msg === 'string' ? redactUrls(body.msg) : undefined,
    statusCode: typeof body.status_code === 'string' ? body.status_code : undefined,
    body,
  };
}

/** Builds the error facts of a reply. */
export function factsOf(roomId: string, reply: ServerReply): ErrorFacts {
  return {
    roomId,
    httpStatus: reply.httpStatus,
    upstreamCode: reply.statusCode,
    upstreamMessage: reply.message,
  };
}

/** Describes the server's reason as `HTTP 400 INVALID_PARAMETERS: <msg>` for messages. */
function describeReply(reply: ServerReply): string {
  const code = reply.statusCode ? ` ${reply.statusCode}` : '';
  const message = reply.message ? `: ${reply.message}` : '';
  return `HTTP ${reply.httpStatus}${code}${message}`;
}

/** Returns the code when the reply reports that the room does not exist or has ended. */
export function getRoomInactiveCode(reply: ServerReply): RoomInactiveCode | undefined {
  return ROOM_INACTIVE_CODES.find((code) => code === reply.statusCode);
}

/**
 * Returns the error for replies that mean the same for every endpoint: a 401 (our credentials),
 * a redirect or 404 (a wrong server URL, or a server without the endpoint), and a 5xx. Returns
 * `undefined` for any other reply.
 */
export function getCommonReplyError(path: string, roomId: string, reply: ServerReply): Error | undefined {
  const facts = factsOf(roomId, reply);
  const status = reply.httpStatus;
  if (status === 401) {
    return new ServerAuthError(
      `The plugNmeet server rejected the bridge's credentials (${describeReply(reply)}). ` +
        'This is a configuration error: check PLUGNMEET_API_KEY and PLUGNMEET_API_SECRET.',
      { facts },
    );
  }
  if (status === 404 || (status >= 300 && status < 400)) {
    // A retryable ServerError rather than a ConfigError: a proxy in front of the server can also
    // return 404 or redirect for a while during a deployment.
    return new ServerError(
      `The plugNmeet server returned ${describeReply(reply)} to POST ${path}. ` +
        'Check that PLUGNMEET_SERVER_URL is the base URL of the server (scheme, host and port), ' +
        'and that the server runs plugNmeet v2.2.0 or later.',
      { facts },
    );
  }
  if (status >= 500) {
    return new ServerError(`The plugNmeet server failed on POST ${path} for room ${roomId} (${describeReply(reply)}).`, {
      facts,
    });
  }
  return undefined;
}

/**
 * Maps the reply to an upload request. Returns when the server added the file. Otherwise it throws an
 * error whose class decides what the caller does next.
 *
 * @throws {RoomBusyError} on 409: another upload holds the room's lock
 * @throws {RoomNotActiveError} on 400 with `ROOM_NOT_FOUND` or `ROOM_NOT_ACTIVE`
 * @throws {FileRejectedError} on other 400s (including the link path's download and conversion
 *   failures, which the server codes `INTERNAL_SERVER_ERROR`) and on 413
 * @throws {ServerAuthError} on 401
 * @throws {UploadOutcomeUnknownError} on 502, 503 and 504, which proxies send while the server may
 *   still be converting
 * @throws {ServerError} on other 5xx, 404, redirects, server faults reported as 400, and any reply
 *   without a readable body
 */
export function assertUploadDelivered(path: string, roomId: string, reply: ServerReply): void {
  const facts = factsOf(roomId, reply);
  const status = reply.httpStatus;
  if (status === 200 && reply.status === true) return;

  if (GATEWAY_STATUSES.has(status)) {
    throw new UploadOutcomeUnknownError(
      `The upload for room ${roomId} has an unknown outcome: ${describeReply(reply)}, the kind of response a proxy sends when ` +
        'its read timeout ends while the plugNmeet server is still converting. Do not send the file again at once.',
      'gateway',
      { facts },
    );
  }
  const commonError = getCommonReplyError(path, roomId, reply);
  if (commonError) throw commonError;

  if (status === 409) {
    throw new RoomBusyError(
      `Room ${roomId} is busy: another whiteboard upload is in progress on the plugNmeet server (${describeReply(reply)}).`,
      { facts },
    );
  }
  if (status === 400) {
    const inactiveCode = getRoomInactiveCode(reply);
    if (inactiveCode) {
      throw new RoomNotActiveError(`Room ${roomId} is not active on the plugNmeet server (${describeReply(reply)}).`, inactiveCode, {
        facts,
      });
    }
    const message = reply.message ?? '';
    if (SERVER_FAULT_MESSAGE_PREFIXES.some((prefix) => message.startsWith(prefix))) {
      throw new ServerError(`The plugNmeet server failed to handle the upload for room ${roomId} (${describeReply(reply)}).`, {
        facts,
      });
    }
  }
  if (status === 400 || status === 413) {
    throw new FileRejectedError(`The plugNmeet server rejected the file for room ${roomId} (${describeReply(reply)}).`, {
      facts,
    });
  }
  throw new ServerError(
    `The plugNmeet server sent an unexpected response to the upload for room ${roomId} (${describeReply(reply)}).`,
    { facts },
  );
}
