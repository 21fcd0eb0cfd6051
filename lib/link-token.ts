import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError, InvalidInputError, InvalidLinkTokenError } from './errors';

/** Claims of a document-link token, which grants one delivery of one S3 object version until `exp`. */
export interface LinkClaims {
  bucket: string;
  key: string;
  versionId?: string;
  /** The object's ETag when the link was made; a re-uploaded object no longer matches it. */
  etag?: string;
  roomId: string;
  deliveryId: string;
  /** The delivery filename, which is also the link's last path segment. */
  filename: string;
  /** The resolved MIME type announced to the server. */
  contentType: string;
  /** Object size in bytes. */
  size: number;
  /** Expiry as Unix time in seconds. */
  exp: number;
}

/**
 * The signed input starts with this label, so a MAC made with the same secret for another purpose
 * can never pass as a link token, and a later token format can change the label.
 */
const MAC_LABEL = 'pnm-bridge-link-v1.';

/** Tokens longer than this are rejected before any work; S3 keys are at most 1,024 bytes. */
const MAX_TOKEN_LENGTH = 8192;

/** A base64url payload, a dot, and the 43-character base64url form of a 32-byte HMAC-SHA256. */
const TOKEN_PATTERN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

/** The payload uses short field names to keep link URLs short. */
interface TokenPayload {
  b: string;
  k: string;
  v?: string;
  e?: string;
  r: string;
  d: string;
  f: string;
  t: string;
  s: number;
  x: number;
}

function computeMac(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(MAC_LABEL + payload, 'utf8').digest();
}

function requireSecret(secret: string): void {
  if (secret === '') {
    throw new ConfigError('The link signing secret is empty: set LINK_SIGNING_SECRET or LINK_SIGNING_SECRET_PARAM.');
  }
}

/**
 * Signs link claims into a token: base64url of the JSON payload, a dot, and the base64url
 * HMAC-SHA256 of the payload. The MAC covers every claim. The token contains only `A–Z a–z 0–9 - _ .`,
 * so it needs no escaping in a URL path. The claims are readable by anyone who has the token, so
 * they hold nothing secret.
 *
 * @param claims - what the token grants; `size` and `exp` are whole numbers
 * @param secret - the resolved link signing secret
 * @throws {ConfigError} when the secret is empty
 * @throws {InvalidInputError} when `size` or `exp` is not a whole number
 */
export function signLinkToken(claims: LinkClaims, secret: string): string {
  requireSecret(secret);
  if (!Number.isSafeInteger(claims.size) || claims.size < 0 || !Number.isSafeInteger(claims.exp)) {
    throw new InvalidInputError(`Invalid link claims for "${claims.key}": size and exp must be whole numbers.`, {
      facts: { bucket: claims.bucket, key: claims.key, roomId: claims.roomId },
    });
  }

  const body: TokenPayload = {
    b: claims.bucket,
    k: claims.key,
    ...(claims.versionId === undefined ? {} : { v: claims.versionId }),
    ...(claims.etag === undefined ? {} : { e: claims.etag }),
    r: claims.roomId,
    d: claims.deliveryId,
    f: claims.filename,
    t: claims.contentType,
    s: claims.size,
    x: claims.exp,
  };
  const payload = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
  return `${payload}.${computeMac(payload, secret).toString('base64url')}`;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** Reads the decoded payload back into claims, or returns undefined when a field is missing or has the wrong type. */
function readClaims(value: unknown): LinkClaims | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const payload = value as Partial<Record<keyof TokenPayload, unknown>>;
  const { b, k, v, e, r, d, f, t, s, x } = payload;
  const hasValidFields =
    isString(b) && isString(k) && isString(r) && isString(d) && isString(f) && isString(t) &&
    (v === undefined || isString(v)) && (e === undefined || isString(e)) &&
    Number.isSafeInteger(s) && (s as number) >= 0 && Number.isSafeInteger(x);
  if (!hasValidFields) return undefined;
  return {
    bucket: b,
    key: k,
    ...(v === undefined ? {} : { versionId: v }),
    ...(e === undefined ? {} : { etag: e }),
    roomId: r,
    deliveryId: d,
    filename: f,
    contentType: t,
    size: s as number,
    exp: x as number,
  };
}

/**
 * Verifies a link token and returns its claims. The MAC is compared in constant time before the
 * payload is parsed.
 *
 * @param token - the token from the link path
 * @param secret - the resolved link signing secret
 * @param nowSeconds - the current Unix time in seconds; tests pass a fixed time
 * @throws {InvalidLinkTokenError} when the token is malformed, was signed with another secret,
 *   was altered, or has expired; the message never contains the token
 * @throws {ConfigError} when the secret is empty
 */
export function verifyLinkToken(token: string, secret: string, nowSeconds: number = Math.floor(Date.now() / 1000)): LinkClaims {
  requireSecret(secret);
  const match = token.length <= MAX_TOKEN_LENGTH ? TOKEN_PATTERN.exec(token) : null;
  if (!match) throw new InvalidLinkTokenError('Invalid link token: it is malformed.');
  const [, payload, mac] = match as unknown as [string, string, string];

  const expected = computeMac(payload, secret);
  const providedMac = Buffer.from(mac, 'base64url');
  if (providedMac.length !== expected.length || !timingSafeEqual(providedMac, expected)) {
    throw new InvalidLinkTokenError('Invalid link token: the signature does not match.');
  }

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidLinkTokenError('Invalid link token: the payload is not JSON.', { cause: error });
  }
  const claims = readClaims(decoded);
  if (!claims) throw new InvalidLinkTokenError('Invalid link token: the payload lacks a claim or has one of the wrong type.');
  if (claims.exp <= nowSeconds) {
    throw new InvalidLinkTokenError('Invalid link token: it has expired.', {
      facts: { bucket: claims.bucket, key: claims.key, roomId: claims.roomId },
    });
  }
  return claims;
}
