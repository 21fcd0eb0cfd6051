import { ConfigError, InvalidInputError, NetworkError, UploadOutcomeUnknownError } from './errors';
import { hmacSha256Hex } from './hmac';
import { logger } from './logger';
import { readRoomApiReply, toActiveRoomInfo } from './plugnmeet-room-info';
import { assertUploadDelivered, parseServerReply, type ServerReply } from './plugnmeet-response';
import { validateRoomId } from './room-id';
import { describeTransportFailure, isFailureBeforeSending, isTimeout } from './plugnmeet-transport';

export interface PlugnmeetClientOptions {
  /** Base URL of the plugNmeet server, without a trailing slash. */
  serverUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Time `uploadWhiteboardFile` waits for the server's response, in milliseconds. */
  uploadTimeoutMs: number;
  /** Time the JSON calls (`isRoomActive`, `getActiveRoomInfo`) may take, in milliseconds. */
  apiTimeoutMs: number;
}

/** The server's confirmation that it downloaded, converted and stored the file. */
export interface UploadDelivered {
  outcome: 'delivered';
  httpStatus: number;
  /** The server's `msg`, for example `file uploaded successfully`. */
  message: string;
  durationMs: number;
}

/** A participant listed by `getActiveRoomInfo`, with the flags from its plugNmeet user metadata. */
export interface RoomParticipant {
  identity: string;
  name: string;
  isPresenter: boolean;
  isAdmin: boolean;
}

/** The parts of `getActiveRoomInfo` the bridge uses. */
export interface ActiveRoomInfo {
  roomId: string;
  sid: string;
  isRunning: boolean;
  participants: RoomParticipant[];
  hasPresenter: boolean;
}

/** Client for the plugNmeet server API calls the bridge makes. */
export interface PlugnmeetClient {
  uploadWhiteboardFile(roomId: string, documentLink: string, options?: { timeoutMs?: number }): Promise<UploadDelivered>;
  /** Returns false when the server reports `ROOM_NOT_FOUND` or `ROOM_NOT_ACTIVE`. */
  isRoomActive(roomId: string): Promise<boolean>;
  /** Returns undefined when the server reports `ROOM_NOT_FOUND` or `ROOM_NOT_ACTIVE`. */
  getActiveRoomInfo(roomId: string): Promise<ActiveRoomInfo | undefined>;
}

const UPLOAD_PATH = '/auth/room/uploadWhiteboardFile';
const IS_ROOM_ACTIVE_PATH = '/auth/room/isRoomActive';
const GET_ACTIVE_ROOM_INFO_PATH = '/auth/room/getActiveRoomInfo';

/** Checks that the link is an absolute http(s) URL, without echoing it (it may carry a token). */
function validateDocumentLink(documentLink: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(documentLink);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidInputError('Invalid document link: expected an absolute http or https URL.');
  }
  return url;
}

/**
 * Creates a client that signs each request as plugNmeet's API requires: `API-KEY` plus
 * `HASH-SIGNATURE`, the lowercase hex HMAC-SHA256 keyed with the API secret over the raw JSON
 * body, or over the `Room-Id` header value for the multipart upload.
 *
 * Every request carries `Connection: close`, so no request is ever sent on a pooled connection
 * that a proxy or NAT has dropped while idle. A failure after connecting therefore comes from the
 * server side of a fresh connection, which `uploadWhiteboardFile` relies on (see there).
 *
 * @throws {ConfigError} when `serverUrl` is not an absolute http(s) URL
 */
export function createPlugnmeetClient(options: PlugnmeetClientOptions): PlugnmeetClient {
  let serverUrl: string;
  try {
    const parsed = new URL(options.serverUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('not http(s)');
    serverUrl = options.serverUrl.replace(/\/+$/, '');
  } catch (error) {
    throw new ConfigError('Invalid PLUGNMEET_SERVER_URL: expected an absolute http or https URL.', { cause: error });
  }

  /** Sends one request and reads the whole response within `timeoutMs`; transport failures are rethrown as they are. */
  async function exchange(path: string, headers: Record<string, string>, body: FormData | Uint8Array, timeoutMs: number) {
    const response = await fetch(`${serverUrl}${path}`, {
      method: 'POST',
      headers: { ...headers, 'API-KEY': options.apiKey, Connection: 'close' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return parseServerReply(response.status, await response.text());
  }

  function logReply(operation: string, roomId: string, reply: ServerReply, startedAt: number, extra: Record<string, unknown> = {}) {
    logger.debug('plugNmeet request finished', {
      operation,
      roomId,
      httpStatus: reply.httpStatus,
      statusCode: reply.statusCode,
      durationMs: Math.round(performance.now() - startedAt),
      ...extra,
    });
  }

  /**
   * Sends a signed JSON room call. It takes no lock on the server, so every transport failure,
   * a timeout included, is a plain retryable NetworkError.
   */
  async function callRoomApi(path: string, roomId: string): Promise<Record<string, unknown> | 'room-inactive'> {
    validateRoomId(roomId);
    // The signature must cover the exact bytes sent, so the body is encoded once and used for both.
    const body = new TextEncoder().encode(JSON.stringify({ room_id: roomId }));
    const headers = { 'Content-Type': 'application/json', 'HASH-SIGNATURE': hmacSha256Hex(options.apiSecret, body) };
    const startedAt = performance.now();
    let reply: ServerReply;
    try {
      reply = await exchange(path, headers, body, options.apiTimeoutMs);
    } catch (error) {
      const reason = describeTransportFailure(error, options.apiTimeoutMs);
      logger.debug('plugNmeet request failed', { operation: path, roomId, reason, durationMs: Math.round(performance.now() - startedAt) });
      throw new NetworkError(`POST ${path} to the plugNmeet server failed for room ${roomId}: ${reason}.`, {
        cause: error,
        facts: { roomId },
      });
    }
    logReply(path, roomId, reply, startedAt);
    return readRoomApiReply(path, roomId, reply);
  }

  return {
    /**
     * Asks the server to download `documentLink` and add it to the room's whiteboard, and waits
     * for the response, which the server sends only after download and conversion.
     *
     * Transport failures are split by whether the server can have received the whole request.
     * The server (plugNmeet v2.2.0 to v2.4.x) reads the whole body before its handler runs, and
     * once the handler runs it goes on downloading and converting even when the client is gone,
     * holding the room's upload lock for up to 5 minutes.
     * - DNS, connect and TLS handshake failures happen before any request byte is sent:
     *   NetworkError, so the caller may send again after a back-off.
     * - A reset, close or malformed response after connecting is ambiguous. The request (a few
     *   hundred bytes, on a fresh connection) has most likely arrived, and the break then comes
     *   from a proxy timeout, a restart or a crash. In the proxy case the server keeps working,
     *   so this is UploadOutcomeUnknownError, like a timeout.
     * - The timeout elapsing: UploadOutcomeUnknownError; the server may still be converting.
     *
     * @param options.timeoutMs overrides `uploadTimeoutMs` for this call
     * @throws {InvalidInputError} for an invalid room id or a link that is not http(s)
     * @throws {RoomBusyError} {RoomNotActiveError} {FileRejectedError} {ServerAuthError}
     *   {ServerError} as mapped from the response
     * @throws {NetworkError} when the request cannot have reached the server
     * @throws {UploadOutcomeUnknownError} when the request may have reached the server but no
     *   response came; do not send the file again before the room's lock can have expired
     */
    async uploadWhiteboardFile(roomId, documentLink, callOptions = {}) {
      validateRoomId(roomId);
      const link = validateDocumentLink(documentLink);
      const timeoutMs = callOptions.timeoutMs ?? options.uploadTimeoutMs;
      const form = new FormData();
      form.append('document_link', documentLink);
      // The server signs multipart requests over the Room-Id header value, not the body.
      const headers = { 'Room-Id': roomId, 'HASH-SIGNATURE': hmacSha256Hex(options.apiSecret, roomId) };
      // The link may carry a token, so only its origin and path length are logged.
      const linkFields = { linkOrigin: link.origin, linkPathLength: link.pathname.length };

      const startedAt = performance.now();
      let reply: ServerReply;
      try {
        reply = await exchange(UPLOAD_PATH, headers, form, timeoutMs);
      } catch (error) {
        const durationMs = Math.round(performance.now() - startedAt);
        const reason = describeTransportFailure(error, timeoutMs);
        logger.debug('plugNmeet request failed', { operation: UPLOAD_PATH, roomId, reason, durationMs, ...linkFields });
        if (isFailureBeforeSending(error)) {
          throw new NetworkError(`The upload for room ${roomId} did not reach the plugNmeet server: ${reason}.`, {
            cause: error,
            facts: { roomId },
          });
        }
        throw new UploadOutcomeUnknownError(
          `The upload for room ${roomId} has an unknown outcome: ${reason}. The plugNmeet server may still be ` +
            'downloading and converting the file while it holds the room upload lock (up to 5 minutes), ' +
            'so do not send the file again at once.',
          isTimeout(error) ? 'timeout' : 'connection-lost',
          { cause: error, facts: { roomId } },
        );
      }
      const durationMs = Math.round(performance.now() - startedAt);
      logReply(UPLOAD_PATH, roomId, reply, startedAt, linkFields);
      assertUploadDelivered(UPLOAD_PATH, roomId, reply);
      return { outcome: 'delivered', httpStatus: reply.httpStatus, message: reply.message ?? '', durationMs };
    },

    async isRoomActive(roomId) {
      const body = await callRoomApi(IS_ROOM_ACTIVE_PATH, roomId);
      return body !== 'room-inactive' && body.is_active === true;
    },

    async getActiveRoomInfo(roomId) {
      const body = await callRoomApi(GET_ACTIVE_ROOM_INFO_PATH, roomId);
      if (body === 'room-inactive') return undefined;
      return toActiveRoomInfo(GET_ACTIVE_ROOM_INFO_PATH, roomId, body);
    },
  };
}
