import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { BridgeError, ConfigError } from './errors';
import { logger } from './logger';
import type { UploadJob } from './upload-job';

/** Failure record: the entry an operator finds on the failure queue for a file the bridge gave up on. */
export interface FailureRecord {
  failedAt: string;
  messageId: string;
  /** Stable code of the reason, for example `FILE_REJECTED` or `DEADLINE_EXCEEDED`. */
  code: string;
  /** The reason in words, including the server's own message where it gave one. */
  reason: string;
  receiveCount: number;
  facts: Record<string, unknown>;
  /** The queued job, or the raw body when it could not be parsed. */
  job: UploadJob | undefined;
  body: string;
}

/** Builds the failure record of a message from the error that ended it. */
export function buildFailureRecord(record: SQSRecord, job: UploadJob | undefined, error: unknown, now = new Date()): FailureRecord {
  const bridgeError = error instanceof BridgeError ? error : undefined;
  return {
    failedAt: now.toISOString(),
    messageId: record.messageId,
    code: bridgeError?.code ?? 'INTERNAL_ERROR',
    reason: error instanceof Error ? error.message : String(error),
    receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
    facts: bridgeError ? { ...bridgeError.facts } : {},
    job,
    body: record.body,
  };
}

/**
 * Sends a failure record to the FIFO failure queue (the upload queue's dead-letter queue), in the
 * same message group so that an operator can redrive a room's files in order. The message id is
 * the deduplication id, so a retried write within five minutes leaves one record.
 *
 * @throws {ConfigError} when FAILURE_QUEUE_URL is not set
 * @throws the SDK's error when SQS rejects the write: the caller must then keep the message
 */
export async function sendFailureRecord(sqs: SQSClient, failureQueueUrl: string | undefined, record: SQSRecord, failure: FailureRecord): Promise<void> {
  if (!failureQueueUrl) {
    throw new ConfigError('Missing setting FAILURE_QUEUE_URL: the worker records files it gives up on there.');
  }
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: failureQueueUrl,
      MessageBody: JSON.stringify(failure),
      MessageGroupId: record.attributes.MessageGroupId ?? 'unknown-room',
      MessageDeduplicationId: record.messageId,
    }),
  );
  logger.error('file failed; failure recorded', { code: failure.code, reason: failure.reason, receiveCount: failure.receiveCount });
}
