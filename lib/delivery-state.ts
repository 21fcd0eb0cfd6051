import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { BridgeConfig } from './config';
import { ConfigError, S3UnavailableError } from './errors';
import { getS3Client } from './s3-client';

/**
 * Evidence that lets the worker decide what to do after an upload request that timed out.
 *
 * The server responds only after it has downloaded and converted the file, so a timed-out upload
 * may have succeeded. Two small S3 objects settle it without a database:
 * - the worker writes `<prefix>timed-out/<messageId>` with the attempt id and send time;
 * - the link function writes `<prefix>downloaded/<attemptId>` when the server fetches the file.
 * A later attempt of the message reads both: if the server downloaded that attempt's file, sending
 * it again would duplicate it on the whiteboard.
 */

export interface TimedOutAttempt {
  attemptId: string;
  /** When the timed-out upload was sent, in epoch milliseconds. */
  sentAt: number;
  /** Cause of the missing response: the bridge's own timeout, or a proxy's 502, 503 or 504. */
  kind: 'timeout' | 'gateway';
}

function requireStateBucket(config: BridgeConfig): string {
  const bucket = config.deliveryState.bucket;
  if (!bucket) {
    throw new ConfigError('Missing setting DELIVERY_STATE_BUCKET: the worker needs it to avoid sending a timed-out upload twice.');
  }
  return bucket;
}

function objectKey(config: BridgeConfig, kind: 'timed-out' | 'downloaded', id: string): string {
  return `${config.deliveryState.prefix}${kind}/${id}`;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}

async function putMarker(config: BridgeConfig, key: string, body: string): Promise<void> {
  const bucket = requireStateBucket(config);
  try {
    await getS3Client(config, bucket).send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  } catch (error) {
    throw new S3UnavailableError(`Failed to write the delivery record ${key} to bucket ${bucket}.`, { cause: error, facts: { bucket, key } });
  }
}

/** Records that the server fetched the file of one attempt; called by the link function on GET. */
export async function recordDownload(config: BridgeConfig, attemptId: string): Promise<void> {
  await putMarker(config, objectKey(config, 'downloaded', attemptId), JSON.stringify({ downloadedAt: Date.now() }));
}

/** Records that an upload of a queue message was sent and timed out before any response. */
export async function recordTimedOutAttempt(config: BridgeConfig, messageId: string, attempt: TimedOutAttempt): Promise<void> {
  await putMarker(config, objectKey(config, 'timed-out', messageId), JSON.stringify(attempt));
}

/** Returns the message's timed-out attempt, or undefined when none was recorded. */
export async function readTimedOutAttempt(config: BridgeConfig, messageId: string): Promise<TimedOutAttempt | undefined> {
  const bucket = requireStateBucket(config);
  const key = objectKey(config, 'timed-out', messageId);
  try {
    const response = await getS3Client(config, bucket).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const parsed = JSON.parse((await response.Body?.transformToString()) ?? '') as TimedOutAttempt;
    return parsed;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new S3UnavailableError(`Failed to read the delivery record ${key} from bucket ${bucket}.`, { cause: error, facts: { bucket, key } });
  }
}

/** Tells whether the server fetched the file of an attempt. */
export async function wasDownloaded(config: BridgeConfig, attemptId: string): Promise<boolean> {
  const bucket = requireStateBucket(config);
  const key = objectKey(config, 'downloaded', attemptId);
  try {
    await getS3Client(config, bucket).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw new S3UnavailableError(`Failed to read the delivery record ${key} from bucket ${bucket}.`, { cause: error, facts: { bucket, key } });
  }
}
