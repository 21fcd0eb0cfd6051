import { HeadObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import type { BridgeConfig, FileType } from './config';
import {
  BridgeError,
  BucketNotAllowedError,
  ConfigError,
  EmptyObjectError,
  FileTooLargeError,
  InvalidInputError,
  ObjectChangedError,
  ObjectNotFoundError,
  S3AccessDeniedError,
  S3UnavailableError,
  UnsupportedFileTypeError,
} from './errors';
import { resolveFileType } from './file-types';
import { getS3Client } from './s3-client';

/** An S3 object, optionally pinned to a version or an ETag. */
export interface S3ObjectRef {
  bucket: string;
  /** The decoded key. */
  key: string;
  versionId?: string;
  /** The ETag the object must still have, with or without its quotes. */
  etag?: string;
}

/** Object attributes from HeadObject, before any policy is applied. */
export interface S3ObjectHead {
  versionId?: string;
  etag: string;
  size: number;
  storedContentType?: string;
  /** `x-amz-meta-*` values, with lowercase names and without the prefix. */
  metadata: Record<string, string>;
}

/** An S3 object that passed the pre-flight checks, with its resolved type. */
export interface S3ObjectInfo {
  bucket: string;
  key: string;
  versionId?: string;
  etag: string;
  size: number;
  /** The Content-Type stored in S3, which may be generic. */
  storedContentType?: string;
  fileType: FileType;
  /** The canonical MIME type of `fileType`; never generic. */
  contentType: string;
  metadata: Record<string, string>;
}

const BYTES_PER_MIB = 1024 * 1024;

/** Strips the quotes and a weak-validator prefix, so ETags from events and from HeadObject compare equal. */
function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

function formatMiB(bytes: number): string {
  return `${(bytes / BYTES_PER_MIB).toFixed(1)} MiB`;
}

/**
 * Checks that the bucket is one the bridge may read.
 *
 * @throws {BucketNotAllowedError} naming the bucket and `ALLOWED_BUCKETS`
 */
export function assertBucketAllowed(config: BridgeConfig, bucket: string): void {
  if (!config.s3.allowedBuckets.includes(bucket)) {
    throw new BucketNotAllowedError(
      `Bucket "${bucket}" is not allowed: add it to ALLOWED_BUCKETS (now ${config.s3.allowedBuckets.join(', ')}).`,
      { facts: { bucket } },
    );
  }
}

/**
 * Rejects keys that cannot name a deliverable file. A key ending in `/` is the placeholder the S3
 * console creates for a folder. A `.` or `..` segment is rejected because HTTP clients, Go's among
 * them, resolve dot segments when they follow the link's redirect, and would fetch another object.
 */
/** S3 keys are at most 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

function validateKey(ref: S3ObjectRef): void {
  const facts = { bucket: ref.bucket, key: ref.key };
  if (ref.key === '') throw new InvalidInputError(`Invalid S3 key in bucket "${ref.bucket}": it is empty.`, { facts });
  if (ref.key.endsWith('/')) {
    throw new InvalidInputError(`Invalid S3 key "${ref.key}": it ends with '/', so it is a folder placeholder, not a file.`, { facts });
  }
  if (Buffer.byteLength(ref.key, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidInputError(`Invalid S3 key "${ref.key.slice(0, 80)}…": it is longer than S3's limit of ${MAX_KEY_BYTES} bytes of UTF-8.`, { facts });
  }
  // S3 keys may hold control characters, but no HTTP header or URL used for the link can carry them.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point of this check
  if (/[\u0000-\u001f\u007f]/.test(ref.key)) {
    throw new InvalidInputError(`Invalid S3 key ${JSON.stringify(ref.key)}: it contains a control character. Rename the object.`, { facts });
  }
  if (ref.key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidInputError(
      `Invalid S3 key "${ref.key}": it has a '.' or '..' segment, which HTTP clients resolve when they follow a link. Rename the object.`,
      { facts },
    );
  }
}

/** Translates an SDK failure of HeadObject into the bridge's error classes. */
function translateHeadError(error: unknown, ref: S3ObjectRef): BridgeError {
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  const name = error instanceof Error ? error.name : '';
  const facts = { bucket: ref.bucket, key: ref.key, ...(status === undefined ? {} : { httpStatus: status }) };
  const version = ref.versionId === undefined ? '' : ` version ${ref.versionId}`;

  if (status === 404 || ['NotFound', 'NoSuchKey', 'NoSuchVersion', 'NoSuchBucket'].includes(name)) {
    return new ObjectNotFoundError(`S3 object "${ref.key}"${version} not found in bucket "${ref.bucket}".`, { cause: error, facts });
  }
  if (status === 412 || name === 'PreconditionFailed') {
    return new ObjectChangedError(
      `S3 object "${ref.key}" in bucket "${ref.bucket}" changed: its ETag no longer matches ${ref.etag ?? ''}. It was replaced since the file was queued or its link was made.`,
      { cause: error, facts },
    );
  }
  if (status === 403) {
    return new S3AccessDeniedError(
      `S3 denied access to "${ref.key}" in bucket "${ref.bucket}": check that the function's role may s3:GetObject it (and kms:Decrypt its key).`,
      { cause: error, facts },
    );
  }
  if (status === 301) {
    return new ConfigError(
      `Bucket "${ref.bucket}" is in another region than the one the bridge signs for: set its region in BUCKET_REGIONS.`,
      { cause: error, facts },
    );
  }
  if (status === 400) {
    const hint = ref.versionId === undefined ? 'check the key' : 'check the key and the version id';
    return new InvalidInputError(`S3 rejected the request for "${ref.key}" in bucket "${ref.bucket}" as invalid: ${hint}.`, {
      cause: error,
      facts,
    });
  }
  // 5xx, throttling, timeouts and network failures, after the SDK's own retries.
  return new S3UnavailableError(`S3 request failed for "${ref.key}" in bucket "${ref.bucket}": ${name || 'unknown error'}.`, {
    cause: error,
    facts,
  });
}

/**
 * Reads an object's size, ETag, version, Content-Type and metadata with HeadObject. A given
 * version is requested, and a given ETag is sent as `If-Match` and compared with the returned
 * ETag as well, because some S3-compatible stores ignore `If-Match` on HEAD.
 *
 * @throws {BucketNotAllowedError} when the bucket is not in `ALLOWED_BUCKETS`
 * @throws {InvalidInputError} when the key is empty, a folder placeholder or has dot segments
 * @throws {ObjectNotFoundError} when the object or version does not exist, or its ETag changed
 * @throws {S3AccessDeniedError} when S3 returns 403
 * @throws {S3UnavailableError} on 5xx, throttling or network failures (retryable)
 * @throws {ConfigError} when the bucket is in another region than configured
 */
export async function headS3Object(config: BridgeConfig, ref: S3ObjectRef): Promise<S3ObjectHead> {
  assertBucketAllowed(config, ref.bucket);
  validateKey(ref);

  let output;
  try {
    output = await getS3Client(config, ref.bucket).send(
      new HeadObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        ...(ref.versionId === undefined ? {} : { VersionId: ref.versionId }),
        ...(ref.etag === undefined ? {} : { IfMatch: `"${normalizeEtag(ref.etag)}"` }),
      }),
    );
  } catch (error) {
    throw translateHeadError(error, ref);
  }

  const etag = normalizeEtag(output.ETag ?? '');
  if (ref.etag !== undefined && etag !== normalizeEtag(ref.etag)) {
    throw new ObjectChangedError(
      `S3 object "${ref.key}" in bucket "${ref.bucket}" changed: its ETag is now ${etag}, not ${normalizeEtag(ref.etag)}. It was replaced since the file was queued or its link was made.`,
      { facts: { bucket: ref.bucket, key: ref.key } },
    );
  }

  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(output.Metadata ?? {})) metadata[name.toLowerCase()] = value;
  const versionId = output.VersionId ?? ref.versionId;
  return {
    ...(versionId === undefined ? {} : { versionId }),
    etag,
    size: output.ContentLength ?? 0,
    ...(output.ContentType === undefined ? {} : { storedContentType: output.ContentType }),
    metadata,
  };
}

/**
 * Pre-flight for one delivery: checks the bucket allowlist and the key, reads the object with
 * HeadObject, and applies the size limit and the file-type allowlist.
 *
 * @param config - the bridge settings (`ALLOWED_BUCKETS`, `MAX_FILE_BYTES`, `ALLOWED_FILE_TYPES`)
 * @param ref - the object; with `etag` or `versionId`, exactly that content
 * @returns the object with its resolved type, ready for a document link
 * @throws {BucketNotAllowedError} naming the bucket and `ALLOWED_BUCKETS`
 * @throws {InvalidInputError} when the key is empty, a folder placeholder or has dot segments
 * @throws {ObjectNotFoundError} when the object is gone or changed
 * @throws {EmptyObjectError} when the object has 0 bytes
 * @throws {FileTooLargeError} when the object exceeds `MAX_FILE_BYTES`
 * @throws {UnsupportedFileTypeError} when the type cannot be converted or is not allowed
 * @throws {S3AccessDeniedError} when S3 returns 403
 * @throws {S3UnavailableError} on 5xx, throttling or network failures (retryable)
 */
export async function inspectObject(config: BridgeConfig, ref: S3ObjectRef): Promise<S3ObjectInfo> {
  const head = await headS3Object(config, ref);
  const facts = { bucket: ref.bucket, key: ref.key };

  if (head.size === 0) {
    throw new EmptyObjectError(`S3 object "${ref.key}" in bucket "${ref.bucket}" is empty (0 bytes): there is nothing to convert.`, { facts });
  }
  const maxBytes = config.files.maxBytes;
  if (head.size > maxBytes) {
    throw new FileTooLargeError(
      `S3 object "${ref.key}" in bucket "${ref.bucket}" is ${head.size} bytes (${formatMiB(head.size)}), over the limit of ` +
        `${maxBytes} bytes (${formatMiB(maxBytes)}). Send a smaller file, or raise MAX_FILE_BYTES together with the server's max_size_whiteboard_file.`,
      { facts },
    );
  }

  let resolved;
  try {
    resolved = resolveFileType({ key: ref.key, storedContentType: head.storedContentType }, config.files.allowedTypes);
  } catch (error) {
    if (!(error instanceof UnsupportedFileTypeError)) throw error;
    throw new UnsupportedFileTypeError(error.message, { cause: error, facts: { ...error.facts, bucket: ref.bucket } });
  }

  return { bucket: ref.bucket, key: ref.key, ...head, ...resolved };
}
