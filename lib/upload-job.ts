import { InvalidInputError } from './errors';
import { validateRoomId } from './room-id';

/** Origin of a queued file. */
export type UploadSource = 's3-event' | 'preload' | 'api';

/**
 * The body of one message on the FIFO upload queue: one file for one room. The worker turns it
 * into a document link just before the upload, so the message contains no URL and no secret.
 */
export interface UploadJob {
  /** Schema version, so that a later worker can still read messages queued by this one. */
  v: 1;
  roomId: string;
  bucket: string;
  /** The decoded S3 key. */
  key: string;
  versionId?: string;
  etag?: string;
  source: UploadSource;
  /** When the file was queued, as an ISO 8601 timestamp. */
  enqueuedAt: string;
  /** When the bridge gives up and records the file as failed, as an ISO 8601 timestamp. */
  deadline: string;
  /** Id of the preload batch the file belongs to, when it came from one. */
  preloadId?: string;
}

/**
 * Parses and checks a queue message body.
 *
 * @throws {InvalidInputError} when the body is not a valid upload job; such a message can never
 *   succeed, so the worker records it as failed
 */
export function parseUploadJob(body: string): UploadJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new InvalidInputError('Invalid queue message: the body is not JSON.', { cause: error });
  }
  if (typeof value !== 'object' || value === null) {
    throw new InvalidInputError('Invalid queue message: the body is not a JSON object.');
  }
  const job = value as Record<string, unknown>;
  if (job.v !== 1) throw new InvalidInputError(`Invalid queue message: unknown schema version ${JSON.stringify(job.v)}.`);
  validateRoomId(job.roomId);
  for (const field of ['bucket', 'key', 'enqueuedAt', 'deadline'] as const) {
    if (typeof job[field] !== 'string' || job[field] === '') {
      throw new InvalidInputError(`Invalid queue message: field ${field} is missing or not a string.`);
    }
  }
  if (Number.isNaN(Date.parse(job.deadline as string))) {
    throw new InvalidInputError(`Invalid queue message: deadline ${JSON.stringify(job.deadline)} is not an ISO 8601 time.`);
  }
  return value as UploadJob;
}
