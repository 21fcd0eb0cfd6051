import { createHash } from 'node:crypto';

/** SQS limits `MessageGroupId` and `MessageDeduplicationId` to 128 characters. */
export const MAX_SQS_ID_LENGTH = 128;

/** Room ids that are safe to use as a group id as they are: plugNmeet's room id characters, within the SQS length. */
const READABLE_GROUP_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** SHA-256 in lowercase hex: 64 characters, all allowed in SQS ids. */
function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Maps a room id to the SQS FIFO `MessageGroupId` of its uploads, so that SQS hands a room's
 * files to the worker one at a time and in order.
 *
 * - An id of 1 to 128 plugNmeet characters (`[A-Za-z0-9_-]`) is used as it is, so operators can
 *   read it.
 * - A longer plugNmeet id becomes its first 63 characters, `~` and the SHA-256 hex of the whole id
 *   (128 characters).
 * - Any other id (empty, or with characters plugNmeet does not allow) becomes `~` and the
 *   SHA-256 hex of the id.
 *
 * Ids used as they are never contain `~`, and the two hashed forms differ in the position of `~`.
 * So two rooms share a group only if SHA-256 collides.
 *
 * @param roomId - the room id; not validated here
 * @returns a group id of at most 128 characters from SQS's allowed set
 */
export function toMessageGroupId(roomId: string): string {
  if (READABLE_GROUP_ID.test(roomId)) return roomId;
  const hash = sha256Hex(roomId);
  if (/^[A-Za-z0-9_-]+$/.test(roomId)) {
    return `${roomId.slice(0, MAX_SQS_ID_LENGTH - hash.length - 1)}~${hash}`;
  }
  return `~${hash}`;
}

/** The facts that identify one write of one object, queued for one room. */
export interface DeduplicationParts {
  roomId: string;
  bucket: string;
  /** The decoded S3 key. */
  key: string;
  versionId?: string;
  sequencer?: string;
  etag?: string;
  /** A value that makes a deliberate repeat distinct, such as an API request id. */
  nonce?: string;
}

/**
 * Builds the SQS FIFO `MessageDeduplicationId` for one object queued for one room: the SHA-256
 * hex of the room, bucket, key, the first of versionId, sequencer and ETag that is given, and the
 * nonce.
 *
 * A duplicated S3 event carries the same values and so gets the same id, and SQS accepts but
 * does not deliver a repeat within its 5-minute deduplication interval. A re-upload of the same
 * key gets a new version id (versioned buckets), a new sequencer, or a new ETag when only that
 * is known, and so a new id. The room is part of the id, so one object queued for two rooms is
 * two messages.
 *
 * NOTE: with none of versionId, sequencer, ETag or nonce given, every upload of the same key to the
 * same room within 5 minutes counts as a repeat and is dropped by SQS.
 *
 * @returns 64 lowercase hex characters
 */
export function toDeduplicationId(parts: DeduplicationParts): string {
  const writeId = pickWriteId(parts);
  return sha256Hex(JSON.stringify([parts.roomId, parts.bucket, parts.key, writeId, parts.nonce ?? null]));
}

/** Names the field used, so that a version id and an ETag with equal text stay distinct. */
function pickWriteId(parts: DeduplicationParts): [string, string] | null {
  // S3 reports the version id `null` for objects written while versioning was off or suspended.
  // Every such write has it, so it cannot tell two writes apart.
  if (parts.versionId && parts.versionId !== 'null') return ['versionId', parts.versionId];
  if (parts.sequencer) return ['sequencer', parts.sequencer];
  // S3 events carry the ETag bare, and HeadObject returns it in quotes for the same content.
  if (parts.etag) return ['etag', parts.etag.replace(/^"(.*)"$/, '$1')];
  return null;
}
