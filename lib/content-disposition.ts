import { createHash } from 'node:crypto';
import { DEFAULT_FILE_TYPES, OPTIONAL_FILE_TYPES, type FileType } from './config';
import { InvalidInputError } from './errors';

/**
 * Characters that plugNmeet's `MakeSafeFilename` replaces with `_` (`<>:"/\|?*` and NUL), plus the
 * other control characters, and `#` and `%`. API Gateway decodes the link path before it passes the
 * path to the link function, so a name without `#`, `%` and `?` is the same decoded or not.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this pattern removes
const UNSAFE_FILENAME_CHARACTERS = /[<>:"/\\|?*#%\u0000-\u001f\u007f]/g;

/**
 * Maximum length of a delivery filename, in UTF-8 bytes. Filesystems allow 255 bytes per name, and
 * `MakeSafeFilename` cuts a longer name at its end, which would drop the extension.
 */
const MAX_FILENAME_BYTES = 200;

/** Length of the per-delivery suffix: 8 base32 characters carry 40 bits of the delivery id's hash. */
const SUFFIX_LENGTH = 8;
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

const DOCUMENT_EXTENSIONS: readonly string[] = [...DEFAULT_FILE_TYPES, ...OPTIONAL_FILE_TYPES];

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Derives a short, filename-safe suffix from the delivery id: lowercase base32 of its SHA-256. */
function makeDeliverySuffix(deliveryId: string): string {
  const digest = createHash('sha256').update(deliveryId, 'utf8').digest();
  let suffix = '';
  for (let bit = 0; suffix.length < SUFFIX_LENGTH; bit += 5) {
    const byteIndex = bit >> 3;
    const pair = (digest[byteIndex]! << 8) | digest[byteIndex + 1]!;
    suffix += BASE32_ALPHABET[(pair >> (11 - (bit & 7))) & 31];
  }
  return suffix;
}

/** Drops whole code points from the end until the text fits `maxBytes` UTF-8 bytes. */
function truncateUtf8(text: string, maxBytes: number): string {
  const codePoints = Array.from(text);
  while (codePoints.length > 0 && Buffer.byteLength(codePoints.join(''), 'utf8') > maxBytes) {
    codePoints.pop();
  }
  return codePoints.join('');
}

function trimDotsAndSpaces(text: string): string {
  return text.replace(/^[\s.]+|[\s.]+$/g, '');
}

/**
 * Makes the filename for one delivery of an S3 object, unique per delivery:
 * `rooms/r1/Q3 slides (final).pptx` becomes `Q3 slides (final)-k3f9a2bq.pptx`.
 *
 * plugNmeet saves a downloaded file under its name in the room's folder and reuses a file of the
 * same name and size without downloading it, so the same key delivered twice needs two names.
 * The name is the key's last segment without a document extension, with the characters that
 * plugNmeet's `MakeSafeFilename` would replace already replaced by `_`, cut to 200 UTF-8 bytes,
 * then `-<suffix>.<fileType>`. The suffix is derived from `deliveryId`, so the same delivery always
 * gets the same name.
 *
 * @param key - the decoded S3 key
 * @param deliveryId - an id unique to this delivery, for example the queue message id
 * @param fileType - the resolved type; its name is the extension
 * @throws {InvalidInputError} when `deliveryId` is empty
 */
export function makeDeliveryFilename(key: string, deliveryId: string, fileType: FileType): string {
  if (deliveryId === '') {
    throw new InvalidInputError('Invalid delivery id: it is empty, so the delivery filename would not be unique.', { facts: { key } });
  }

  let stem = key.slice(key.lastIndexOf('/') + 1);
  const dot = stem.lastIndexOf('.');
  if (dot > 0 && DOCUMENT_EXTENSIONS.includes(stem.slice(dot + 1).toLowerCase())) {
    stem = stem.slice(0, dot);
  }
  stem = trimDotsAndSpaces(stem.replace(UNSAFE_FILENAME_CHARACTERS, '_'));

  const ending = `-${makeDeliverySuffix(deliveryId)}.${fileType}`;
  stem = trimDotsAndSpaces(truncateUtf8(stem, MAX_FILENAME_BYTES - Buffer.byteLength(ending, 'utf8')));
  return `${stem === '' ? 'document' : stem}${ending}`;
}

/**
 * Percent-encodes every UTF-8 byte outside ALPHA, DIGIT and `-._~`, a subset of RFC 5987's
 * attr-char. `encodeURIComponent` leaves `!'()*` as they are, and Go's `mime.ParseMediaType`,
 * which the server's downloader uses, rejects a `filename*` value that contains them.
 */
function encodeRfc5987Value(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const isKept =
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e;
    encoded += isKept ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/**
 * Makes the plain `filename` parameter for clients that do not read `filename*`: accents are
 * dropped (é → e), and other non-ASCII characters, `"`, `\`, `%` and control characters become `_`.
 * RFC 6266 advises against `%` there, because some clients percent-decode the value.
 */
function makeAsciiFallback(filename: string): string {
  return Array.from(filename.normalize('NFD').replace(/\p{Mn}/gu, ''))
    .map((character) => (/^[\x20-\x7e]$/.test(character) && !/["\\%]/.test(character) ? character : '_'))
    .join('');
}

/**
 * Builds an RFC 6266 `Content-Disposition` header value for a download:
 * `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987 encoded name>`.
 *
 * Clients that read `filename*` (Go's `mime.ParseMediaType` among them) get the exact name.
 *
 * @param filename - the name to announce; valid Unicode, not empty
 * @throws {InvalidInputError} when the name is empty or contains a lone UTF-16 surrogate, which
 *   has no UTF-8 encoding
 */
export function buildContentDisposition(filename: string): string {
  if (filename === '' || LONE_SURROGATE.test(filename)) {
    throw new InvalidInputError(`Invalid download filename ${JSON.stringify(filename)}: it must be non-empty, valid Unicode.`);
  }
  return `attachment; filename="${makeAsciiFallback(filename)}"; filename*=UTF-8''${encodeRfc5987Value(filename)}`;
}
