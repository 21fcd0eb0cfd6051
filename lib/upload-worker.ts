import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { computeBackoffSeconds, computeLockExpirySeconds } from './backoff';
import { deliverFile } from './deliver';
import { readTimedOutAttempt, recordTimedOutAttempt, wasDownloaded } from './delivery-state';
import {
  BridgeError,
  ConfigError,
  DeadlineExceededError,
  NetworkError,
  ObjectChangedError,
  PresenterMissingError,
  RoomNotActiveError,
  UploadOutcomeUnknownError,
  UploadUnconfirmedError,
} from './errors';
import { buildFailureRecord, sendFailureRecord } from './failure-record';
import { logger } from './logger';
import type { BridgeConfig } from './config';
import type { PlugnmeetClient } from './plugnmeet-client';
import { parseUploadJob, type UploadJob } from './upload-job';

/**
 * Thrown from the record handler after the message was hidden for `delaySeconds`, so that the
 * batch processor reports the record as failed and SQS redelivers it after the delay.
 */
export class RecordDeferredError extends Error {
  override readonly name = 'RecordDeferredError';

  constructor(
    readonly delaySeconds: number,
    options: ErrorOptions,
  ) {
    super(`Deferred for ${delaySeconds} s.`, options);
  }
}

export interface UploadWorkerDeps {
  config: BridgeConfig;
  linkSigningSecret: string;
  client: PlugnmeetClient;
  sqs: SQSClient;
  /** Clock in epoch milliseconds; tests replace it. */
  now?: () => number;
}

/** Settles one queue message; see `createUploadWorker`. */
export type UploadRecordHandler = (record: SQSRecord) => Promise<void>;

function readReceiveCount(record: SQSRecord): number {
  const count = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** Errors that mean "the room is not ready yet" rather than "the room is busy". */
function isRoomWait(error: unknown): boolean {
  return error instanceof RoomNotActiveError || error instanceof PresenterMissingError;
}

/**
 * Builds the worker's record handler. For each message it either delivers the file, defers the
 * message (hides it with a visibility timeout and throws `RecordDeferredError`), or records a
 * failure on the failure queue and returns so that the message is deleted. It never sleeps while
 * a room is busy: the queue keeps the message, and FIFO keeps the room's later files behind it.
 *
 * - 409, a room that is not active yet, a missing presenter, 5xx and network errors: deferred with
 *   a back-off that grows with the receive count, never past the deadline.
 * - No response within the upload timeout: the server may still be converting while it holds the
 *   room's lock, so the attempt is recorded and the message deferred until that lock has expired.
 *   The next attempt sends the file again only if the server never downloaded it.
 * - Permanent errors, a passed deadline, and a message about to reach the queue's
 *   `maxReceiveCount`: failure record with the reason, then the message is deleted.
 */
export function createUploadWorker(deps: UploadWorkerDeps): UploadRecordHandler {
  const { config, linkSigningSecret, client } = deps;
  const now = deps.now ?? Date.now;
  const queueUrl = config.queue.url;
  if (!queueUrl) throw new ConfigError('Missing setting UPLOAD_QUEUE_URL: the worker changes message visibility on that queue.');
  if (!config.queue.failureUrl) throw new ConfigError('Missing setting FAILURE_QUEUE_URL: the worker records files it gives up on there.');
  if (!config.deliveryState.bucket) {
    throw new ConfigError('Missing setting DELIVERY_STATE_BUCKET: the worker needs it to avoid sending a timed-out upload twice.');
  }

  const hide = async (record: SQSRecord, seconds: number): Promise<void> => {
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }),
    );
  };

  const defer = async (record: SQSRecord, seconds: number, cause: unknown): Promise<never> => {
    try {
      await hide(record, seconds);
    } catch (error) {
      // The message still reappears after the queue's own visibility timeout, only later.
      logger.error('failed to change message visibility', { error: error as Error, delaySeconds: seconds });
    }
    throw new RecordDeferredError(seconds, { cause });
  };

  const fail = async (record: SQSRecord, job: UploadJob | undefined, error: unknown): Promise<void> => {
    await sendFailureRecord(deps.sqs, config.queue.failureUrl, record, buildFailureRecord(record, job, error, new Date(now())));
  };

  /** Decides from the evidence of a timed-out attempt whether to skip, wait, or send again. */
  const settleTimedOutAttempt = async (record: SQSRecord, job: UploadJob): Promise<'delivered' | 'send'> => {
    const attempt = await readTimedOutAttempt(config, record.messageId);
    if (!attempt) return 'send';
    if (await wasDownloaded(config, attempt.attemptId)) {
      if (attempt.kind === 'gateway') {
        // A proxy's read timeout (60 s in nginx by default) ends long before a large conversion,
        // so this is routine: the server went on and most likely added the file.
        logger.warn('file delivered without confirmation: the server downloaded it before a proxy error', {
          attemptId: attempt.attemptId,
          code: 'UPLOAD_UNCONFIRMED',
        });
        return 'delivered';
      }
      // The server stayed silent for the whole upload timeout, which no healthy conversion needs;
      // the file is most likely there, but a restart would have lost it, so the failure record asks an operator to check.
      await fail(
        record,
        job,
        new UploadUnconfirmedError(
          `The server downloaded the file but sent no response within UPLOAD_TIMEOUT_MS (${config.upload.timeoutMs} ms). ` +
            'It is most likely on the whiteboard; if the server restarted meanwhile, it is not. Check the room.',
          { facts: { roomId: job.roomId, bucket: job.bucket, key: job.key } },
        ),
      );
      return 'delivered';
    }
    const lockExpiresAt = attempt.sentAt + config.backoff.lockTtlSeconds * 1000;
    if (now() < lockExpiresAt) {
      return defer(record, computeLockExpirySeconds(attempt.sentAt, now(), config.backoff.lockTtlSeconds), new UploadOutcomeUnknownError('The server may still hold the room lock of the timed-out upload.', 'timeout'));
    }
    logger.info('sending again: the server never downloaded the timed-out attempt and its lock has expired', { attemptId: attempt.attemptId });
    return 'send';
  };

  const deliver = async (record: SQSRecord, job: UploadJob): Promise<void> => {
    const attemptId = randomUUID();
    let sentAt: number | undefined;
    try {
      const result = await deliverFile(
        { config, linkSigningSecret, client },
        {
          roomId: job.roomId,
          bucket: job.bucket,
          key: job.key,
          ...(job.versionId ? { versionId: job.versionId } : {}),
          ...(job.etag ? { etag: job.etag } : {}),
          attemptId,
          timeoutMs: config.upload.timeoutMs,
        },
        { onSend: (at) => (sentAt = at) },
      );
      logger.info('file delivered', { filename: result.filename, uploadMs: result.uploadMs, queuedMs: now() - Date.parse(job.enqueuedAt) });
    } catch (error) {
      if (error instanceof ObjectChangedError && job.source === 's3-event') {
        // The key was written again after this event; the newer version's own event delivers it.
        logger.info('file skipped: the object was replaced, and the newer version has its own event', { etag: job.etag });
        return;
      }
      if (error instanceof UploadOutcomeUnknownError && error.kind === 'connection-lost') {
        // A broken connection most often means the server process restarted or crashed, which
        // ends its conversion too, so the file is sent again after a back-off. The server keeps
        // the room lock of a dead process until it expires, so an early retry only gets 409.
        throw new NetworkError(`${error.message} The bridge sends it again after a back-off, because a lost connection usually means the server restarted.`, {
          cause: error,
          facts: error.facts,
        });
      }
      if (error instanceof UploadOutcomeUnknownError && sentAt !== undefined) {
        await recordTimedOutAttempt(config, record.messageId, { attemptId, sentAt, kind: error.kind === 'gateway' ? 'gateway' : 'timeout' });
        const delay = computeLockExpirySeconds(sentAt, now(), config.backoff.lockTtlSeconds);
        logger.warn('upload timed out; waiting for the room lock to expire before checking the outcome', { delaySeconds: delay });
        await defer(record, delay, error);
      }
      throw error;
    }
  };

  return async function processUploadRecord(record: SQSRecord): Promise<void> {
    const receiveCount = readReceiveCount(record);
    let job: UploadJob | undefined;
    try {
      job = parseUploadJob(record.body);
    } catch (error) {
      logger.appendKeys({ messageId: record.messageId });
      await fail(record, undefined, error);
      logger.removeKeys(['messageId']);
      return;
    }

    logger.appendKeys({ roomId: job.roomId, bucket: job.bucket, key: job.key, messageId: record.messageId });
    try {
      const deadline = Date.parse(job.deadline);
      if (now() > deadline) {
        await fail(record, job, new DeadlineExceededError(`The file was not delivered before its deadline ${job.deadline}.`, { facts: { roomId: job.roomId, bucket: job.bucket, key: job.key } }));
        return;
      }
      if (receiveCount > 1 && (await settleTimedOutAttempt(record, job)) === 'delivered') return;
      await deliver(record, job);
    } catch (error) {
      if (error instanceof RecordDeferredError) throw error;
      const retryable = error instanceof BridgeError ? error.retryable : true;
      if (!retryable) {
        await fail(record, job, error);
        return;
      }
      if (receiveCount >= config.queue.maxReceiveCount - 1) {
        // SQS would move the message to the dead-letter queue on its next receive without a reason.
        await fail(record, job, error);
        return;
      }
      const policy = isRoomWait(error)
        ? { baseSeconds: config.backoff.roomWaitBaseSeconds, capSeconds: config.backoff.roomWaitCapSeconds }
        : { baseSeconds: config.backoff.busyBaseSeconds, capSeconds: config.backoff.busyCapSeconds };
      const untilDeadline = Math.max(1, Math.ceil((Date.parse(job.deadline) - now()) / 1000));
      const backoff = computeBackoffSeconds(policy, receiveCount);
      if (!isRoomWait(error) && backoff >= untilDeadline) {
        // The next attempt would come after the deadline: record the failure now, with the
        // error that kept the file back, rather than an unexplained deadline later.
        const reason = error instanceof Error ? error.message : String(error);
        await fail(record, job, new DeadlineExceededError(`The file cannot be delivered before its deadline ${job.deadline}. Last error: ${reason}`, {
          cause: error,
          facts: error instanceof BridgeError ? error.facts : { roomId: job.roomId },
        }));
        return;
      }
      // A room that is not ready may still start before the deadline, so it gets the last moment.
      const delay = Math.min(backoff, untilDeadline);
      logger.warn('upload deferred', {
        code: error instanceof BridgeError ? error.code : 'INTERNAL_ERROR',
        reason: error instanceof Error ? error.message : String(error),
        receiveCount,
        delaySeconds: delay,
      });
      await defer(record, delay, error);
    } finally {
      logger.removeKeys(['roomId', 'bucket', 'key', 'messageId']);
    }
  };
}
