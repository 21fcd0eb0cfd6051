import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { BridgeConfig } from './config';
import { InvalidInputError, S3AccessDeniedError, S3UnavailableError } from './errors';
import { logger } from './logger';
import { toDeduplicationId } from './message-ids';
import { matchRoomKey, type RoomKeyMatch } from './room-from-key';
import { validateRoomId } from './room-id';
import { getS3Client } from './s3-client';
import { decodeS3EventKey } from './s3-event-key';
import { enqueueUploads, requireQueueUrl, type QueuedUpload } from './upload-queue';
import type { UploadJob } from './upload-job';

/** Object metadata that names the room when `ROOM_FROM_METADATA` is on; S3 returns it without the `x-amz-meta-` prefix. */
const ROOM_METADATA_KEY = 'room-id';

/** Outcome of ingesting one S3 event. */
export interface IngestSummary {
  /** Jobs accepted by the upload queue. */
  queued: number;
  /** Records that name no file to upload: the decoded key (raw when it cannot be decoded) and why. */
  skipped: Array<{ key: string; reason: string }>;
}

/** The fields of an S3 notification record that ingest reads. */
interface ObjectRecord {
  eventName: string;
  eventTime: string | undefined;
  bucket: string;
  rawKey: string;
  size: number | undefined;
  eTag: string | undefined;
  versionId: string | undefined;
  sequencer: string | undefined;
}

type Skip = { key: string; reason: string };

/**
 * Turns an S3 notification into upload jobs on the FIFO upload queue, one per new object.
 *
 * - An `s3:TestEvent` is acknowledged and queues nothing.
 * - A record is skipped, with a log line, in these cases: it is not an `ObjectCreated:*` event, its
 *   key cannot be decoded, or its bucket is not in `ALLOWED_BUCKETS`. A folder placeholder (a key
 *   ending in `/` with size 0) and a key that names no room are skipped too.
 * - The room comes from the key pattern. With `ROOM_FROM_METADATA` on, the object's
 *   `x-amz-meta-room-id` (read with HeadObject) wins, and the key pattern is the fallback for
 *   objects without it. An invalid metadata room id, or an object deleted before HeadObject, skips
 *   the record.
 * - Each job's deadline is the event time plus `DEFAULT_DEADLINE_SECONDS`, and its deduplication id
 *   comes from the record's version id, sequencer or ETag, so a duplicated event is queued once.
 *
 * @param config - the bridge settings
 * @param event - the Lambda event, as S3 sends it to an asynchronous invoke
 * @returns the number of queued jobs and the skipped records
 * @throws {InvalidInputError} when the event is neither an S3 notification nor an `s3:TestEvent`
 * @throws {QueueError} when the jobs cannot be queued; the function must fail then, so that S3
 *   invokes it again and no file is lost (repeated jobs are deduplicated by SQS)
 * @throws {S3AccessDeniedError} when HeadObject is denied (403)
 * @throws {S3UnavailableError} when HeadObject fails otherwise, except with 404 (retryable)
 * @throws {ConfigError} when `UPLOAD_QUEUE_URL` is not set
 */
export async function ingestS3Event(config: BridgeConfig, event: unknown): Promise<IngestSummary> {
  if (isRecord(event) && event.Event === 's3:TestEvent' && event.Records === undefined) {
    logger.info('S3 test event acknowledged', { bucket: event.Bucket });
    return { queued: 0, skipped: [] };
  }
  if (!isRecord(event) || !Array.isArray(event.Records)) {
    throw new InvalidInputError('Invalid S3 event: expected a Records array or an s3:TestEvent. Check the function trigger.');
  }
  requireQueueUrl(config);

  const now = new Date();
  const uploads: QueuedUpload[] = [];
  const skipped: Skip[] = [];
  for (const record of event.Records as unknown[]) {
    const outcome = await planUpload(config, record, now);
    if ('job' in outcome) uploads.push(outcome);
    else skipped.push(outcome);
  }
  if (uploads.length === 0) return { queued: 0, skipped };

  let messageIds: string[];
  try {
    ({ messageIds } = await enqueueUploads(config, uploads));
  } catch (error) {
    logger.error('failed to queue S3 uploads', { error, jobs: uploads.length });
    throw error;
  }
  uploads.forEach(({ job }, index) => {
    withRecordKeys({ roomId: job.roomId, bucket: job.bucket, key: job.key }, () =>
      logger.info('upload queued', { messageId: messageIds[index] }),
    );
  });
  return { queued: uploads.length, skipped };
}

/** Builds the queued upload for one record, or the reason to skip it (logged here). */
async function planUpload(config: BridgeConfig, value: unknown, now: Date): Promise<QueuedUpload | Skip> {
  const record = readRecord(value);
  if (!record) return logSkip({}, { key: '', reason: 'record is not an S3 object notification' });

  let key: string;
  try {
    key = decodeS3EventKey(record.rawKey);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    logger.error('S3 record skipped: key cannot be decoded', { bucket: record.bucket, rawKey: record.rawKey, error });
    return { key: record.rawKey, reason: 'key contains a malformed percent escape' };
  }

  const where = { bucket: record.bucket, key };
  if (!record.eventName.startsWith('ObjectCreated:')) {
    return logSkip(where, { key, reason: `event ${record.eventName} is not an ObjectCreated event` });
  }
  if (!config.s3.allowedBuckets.includes(record.bucket)) {
    return logSkip(where, { key, reason: `bucket ${record.bucket} is not in ALLOWED_BUCKETS` });
  }
  if (key.endsWith('/') && (record.size ?? 0) === 0) {
    return logSkip(where, { key, reason: 'folder placeholder' });
  }

  const room = await findRoom(config, record, key);
  if ('skip' in room) return logSkip(where, { key, reason: room.skip });

  const job: UploadJob = {
    v: 1,
    roomId: room.roomId,
    bucket: record.bucket,
    key,
    ...(record.versionId ? { versionId: record.versionId } : {}),
    ...(record.eTag ? { etag: record.eTag } : {}),
    source: 's3-event',
    enqueuedAt: now.toISOString(),
    deadline: deadlineFrom(record.eventTime, now, config.queue.defaultDeadlineSeconds),
  };
  const deduplicationId = toDeduplicationId({
    roomId: job.roomId,
    bucket: job.bucket,
    key,
    versionId: record.versionId,
    sequencer: record.sequencer,
    etag: record.eTag,
  });
  return { job, deduplicationId };
}

async function findRoom(config: BridgeConfig, record: ObjectRecord, key: string): Promise<RoomKeyMatch> {
  if (config.queue.roomFromMetadata) {
    const fromMetadata = await readRoomMetadata(config, record, key);
    if (fromMetadata !== undefined) return fromMetadata;
  }
  return matchRoomKey(config.queue.roomKeyPattern, key);
}

/** Reads `x-amz-meta-room-id`; `undefined` when the object has none, so the key pattern applies. */
async function readRoomMetadata(config: BridgeConfig, record: ObjectRecord, key: string): Promise<RoomKeyMatch | undefined> {
  const facts = { bucket: record.bucket, key };
  let metadata: Record<string, string> | undefined;
  try {
    const output = await getS3Client(config, record.bucket).send(
      new HeadObjectCommand({ Bucket: record.bucket, Key: key, ...(record.versionId ? { VersionId: record.versionId } : {}) }),
    );
    metadata = output.Metadata;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return { skip: 'object no longer exists' };
    if (status === 403) {
      throw new S3AccessDeniedError(`HeadObject on ${record.bucket} was denied: the function needs s3:GetObject on the bucket.`, {
        cause: error,
        facts: { ...facts, httpStatus: status },
      });
    }
    throw new S3UnavailableError(`HeadObject on ${record.bucket} failed; S3 retries the event.`, { cause: error, facts });
  }

  const roomId = metadata?.[ROOM_METADATA_KEY];
  if (roomId === undefined) return undefined;
  try {
    return { roomId: validateRoomId(roomId) };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { skip: `x-amz-meta-room-id ${JSON.stringify(roomId)} is not a valid plugNmeet room id` };
  }
}

function deadlineFrom(eventTime: string | undefined, now: Date, seconds: number): string {
  const parsed = eventTime === undefined ? Number.NaN : Date.parse(eventTime);
  const start = Number.isNaN(parsed) ? now.getTime() : parsed;
  return new Date(start + seconds * 1000).toISOString();
}

function logSkip(where: { bucket?: string; key?: string }, skip: Skip): Skip {
  withRecordKeys(where, () => logger.info('S3 record skipped', { reason: skip.reason }));
  return skip;
}

/** Runs `log` with the record's ids as log keys, and removes them afterwards. */
function withRecordKeys(keys: { roomId?: string; bucket?: string; key?: string }, log: () => void): void {
  logger.appendKeys(keys);
  try {
    log();
  } finally {
    logger.removeKeys(Object.keys(keys));
  }
}

function readRecord(value: unknown): ObjectRecord | undefined {
  if (!isRecord(value) || typeof value.eventName !== 'string' || !isRecord(value.s3)) return undefined;
  const { bucket, object } = value.s3;
  if (!isRecord(bucket) || typeof bucket.name !== 'string' || !isRecord(object) || typeof object.key !== 'string') {
    return undefined;
  }
  return {
    eventName: value.eventName,
    eventTime: optionalString(value.eventTime),
    bucket: bucket.name,
    rawKey: object.key,
    size: typeof object.size === 'number' ? object.size : undefined,
    eTag: optionalString(object.eTag),
    versionId: optionalString(object.versionId),
    sequencer: optionalString(object.sequencer),
  };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
