import type { BridgeConfig } from './config';
import { buildContentDisposition, makeDeliveryFilename } from './content-disposition';
import { BucketNotAllowedError, InvalidInputError, InvalidLinkTokenError, ObjectChangedError, ObjectNotFoundError, S3UnavailableError } from './errors';
import { signLinkToken, verifyLinkToken, type LinkClaims } from './link-token';
import { logger } from './logger';
import { presignObjectGet } from './presign';
import { validateRoomId } from './room-id';
import { headS3Object, type S3ObjectInfo } from './s3-object';

/** Secrets the document link needs, already resolved from `lib/secrets.ts`. */
export interface DocumentLinkSecrets {
  linkSigningSecret: string;
}

/** An HTTP response of the link function, independent of API Gateway. */
export interface LinkResponse {
  statusCode: number;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Builds the `document_link` for one delivery of an object that passed `inspectObject`.
 *
 * In `proxy` mode the link is `${LINK_BASE_URL}/<token>/<filename>`: a signed token valid for
 * `LINK_TTL_SECONDS` and the delivery filename, served by `handleLinkRequest`. In `presigned` mode
 * it is a presigned S3 GET URL with the response type and disposition signed in, valid for
 * `PRESIGN_TTL_SECONDS`.
 * NOTE: plugNmeet sends a HEAD to the link before downloading, and S3 rejects a HEAD on a
 * GET-presigned URL with 403 `application/xml`, whose type the server then rejects. The
 * `presigned` mode therefore works only behind something that responds to that HEAD itself.
 *
 * @param object - the inspected object
 * @param roomId - the room the file goes to; bound into the token and logged by the link function
 * @param deliveryId - an id unique to this delivery; it makes the filename unique
 * @param nowSeconds - the current Unix time in seconds; tests pass a fixed time
 * @returns the URL, the delivery filename and the link's expiry as Unix time in seconds
 * @throws {InvalidInputError} when the room id or delivery id is invalid
 * @throws {S3UnavailableError} when presigning fails (`presigned` mode)
 */
export async function createDocumentLink(
  config: BridgeConfig,
  secrets: DocumentLinkSecrets,
  object: S3ObjectInfo,
  roomId: string,
  deliveryId: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<{ url: string; filename: string; expiresAt: number }> {
  validateRoomId(roomId);
  const filename = makeDeliveryFilename(object.key, deliveryId, object.fileType);

  if (config.link.mode === 'presigned') {
    const contentDisposition = buildContentDisposition(filename);
    const url = await presignObjectGet(config, object, { contentType: object.contentType, contentDisposition });
    return { url, filename, expiresAt: nowSeconds + config.link.presignTtlSeconds };
  }

  const exp = nowSeconds + config.link.ttlSeconds;
  const claims: LinkClaims = {
    bucket: object.bucket,
    key: object.key,
    ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
    etag: object.etag,
    roomId,
    deliveryId,
    filename,
    contentType: object.contentType,
    size: object.size,
    exp,
  };
  const token = signLinkToken(claims, secrets.linkSigningSecret);
  return { url: `${config.link.baseUrl}/${token}/${encodeURIComponent(filename)}`, filename, expiresAt: exp };
}

const ALLOWED_METHODS = 'GET, HEAD';

function respond(statusCode: number, headers: Record<string, string> = {}): LinkResponse {
  return { statusCode, headers, body: '' };
}

/** Returns the ids that every log line about a delivery carries. */
function toLogFields(claims: LinkClaims): Record<string, string> {
  return { roomId: claims.roomId, bucket: claims.bucket, key: claims.key, deliveryId: claims.deliveryId };
}

/**
 * Checks that the path's last segment is the token's filename. The link function may get the
 * path percent-encoded or already decoded (API Gateway HTTP APIs decode it), so both count.
 */
function isFilenameSegment(segment: string, filename: string): boolean {
  if (segment === filename) return true;
  try {
    return decodeURIComponent(segment) === filename;
  } catch {
    return false;
  }
}

/** Returns the claims of the link path "<token>/<filename>", or undefined after logging why it is invalid. */
function readLinkClaims(path: string, secret: string): LinkClaims | undefined {
  const trimmed = path.replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  try {
    if (slash <= 0) throw new InvalidLinkTokenError('Invalid link path: expected "<token>/<filename>".');
    const claims = verifyLinkToken(trimmed.slice(0, slash), secret);
    if (!isFilenameSegment(trimmed.slice(slash + 1), claims.filename)) {
      throw new InvalidLinkTokenError("Invalid link path: the filename does not match the token's filename.", {
        facts: { bucket: claims.bucket, key: claims.key, roomId: claims.roomId },
      });
    }
    return claims;
  } catch (error) {
    if (!(error instanceof InvalidLinkTokenError)) throw error;
    logger.warn('link token rejected', { error });
    return undefined;
  }
}

/**
 * Checks that the object is still the one the token was made for: same version, ETag and size.
 * Returns the HTTP status to respond with when it is not, and undefined when it is.
 */
async function findObjectProblem(config: BridgeConfig, claims: LinkClaims): Promise<number | undefined> {
  try {
    const head = await headS3Object(config, {
      bucket: claims.bucket,
      key: claims.key,
      ...(claims.versionId === undefined ? {} : { versionId: claims.versionId }),
      ...(claims.etag ? { etag: claims.etag } : {}),
    });
    if (head.size !== claims.size) {
      throw new ObjectChangedError(`S3 object "${claims.key}" in bucket "${claims.bucket}" changed: its size is now ${head.size} bytes, not ${claims.size}.`, {
        facts: { bucket: claims.bucket, key: claims.key },
      });
    }
    return undefined;
  } catch (error) {
    if (error instanceof ObjectNotFoundError || error instanceof BucketNotAllowedError || error instanceof InvalidInputError) {
      logger.warn('linked object is gone, changed or no longer allowed', { error, ...toLogFields(claims) });
      return 404;
    }
    logger.error('failed to check the linked object', { error, ...toLogFields(claims) });
    return error instanceof S3UnavailableError ? 503 : 500;
  }
}

async function serveLink(
  config: BridgeConfig,
  method: string,
  claims: LinkClaims,
  hooks: { onDownload?: (claims: LinkClaims) => Promise<void> },
): Promise<LinkResponse> {
  const problemStatus = await findObjectProblem(config, claims);
  if (problemStatus !== undefined) return respond(problemStatus);

  const headers = {
    'Content-Type': claims.contentType,
    'Content-Disposition': buildContentDisposition(claims.filename),
    'Cache-Control': 'no-store',
  };
  if (method === 'HEAD') {
    return respond(200, { ...headers, 'Content-Length': String(claims.size) });
  }

  if (hooks.onDownload) {
    try {
      await hooks.onDownload(claims);
    } catch (error) {
      // The download record is only evidence, so the server still gets its file when recording fails.
      logger.error('download hook failed', { error, ...toLogFields(claims) });
    }
  }

  let location: string;
  try {
    location = await presignObjectGet(config, claims, {
      contentType: headers['Content-Type'],
      contentDisposition: headers['Content-Disposition'],
    });
  } catch (error) {
    logger.error('failed to presign the linked object', { error, ...toLogFields(claims) });
    return respond(503);
  }
  return respond(307, { ...headers, Location: location });
}

/**
 * Serves a HEAD or GET request for a link path `<token>/<filename>`.
 *
 * plugNmeet checks the Content-Type of a HEAD before it downloads, ignoring the status, so this
 * function responds to HEAD itself with the token's type, size and disposition. It responds to GET
 * with a 307 redirect to a presigned S3 URL signed just now. Every response first checks the token
 * and then the object (HeadObject, pinned to the token's version and ETag):
 * - invalid, altered or expired token, or a filename that is not the token's: 403, empty body;
 * - object gone, changed or no longer allowed: 404, empty body;
 * - S3 unavailable: 503; any other failure: 500;
 * - another method: 405 with `Allow: GET, HEAD`.
 * `hooks.onDownload` runs before a GET is redirected; when it throws, the error is logged and the
 * redirect is still sent. One INFO line per request records the room, bucket, key, delivery id,
 * method and status, never the token or the presigned URL.
 */
export async function handleLinkRequest(
  config: BridgeConfig,
  secrets: DocumentLinkSecrets,
  request: { method: string; path: string },
  hooks: { onDownload?: (claims: LinkClaims) => Promise<void> } = {},
): Promise<LinkResponse> {
  const method = request.method.toUpperCase();
  let claims: LinkClaims | undefined;
  let response: LinkResponse;

  if (method !== 'GET' && method !== 'HEAD') {
    response = respond(405, { Allow: ALLOWED_METHODS });
  } else {
    claims = readLinkClaims(request.path, secrets.linkSigningSecret);
    response = claims ? await serveLink(config, method, claims, hooks) : respond(403);
  }

  logger.info('link request served', { method, statusCode: response.statusCode, ...(claims ? toLogFields(claims) : {}) });
  return response;
}
