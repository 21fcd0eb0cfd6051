import {
  processPartialResponse,
  SqsFifoMessageGroupShortCircuitError,
  SqsFifoPartialProcessorAsync,
  SqsFifoShortCircuitError,
} from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from './logger';
import { RecordDeferredError, type UploadRecordHandler } from './upload-worker';

/**
 * Processes a batch from the FIFO upload queue with Powertools' FIFO processor. Records run one
 * after another; when one fails, only the later records of the same room (message group) are
 * skipped, so a busy room never holds back another (`skipGroupOnError`).
 *
 * Lambda does not reset the visibility of failed records, so a skipped record would stay hidden
 * for the queue's whole visibility timeout. Each one is hidden as long as the failed record of its
 * room instead; FIFO then hands them out again in order once that record has been settled.
 */
export async function processUploadBatch(
  event: SQSEvent,
  handleRecord: UploadRecordHandler,
  options: { sqs: SQSClient; queueUrl: string; context?: Context },
): Promise<SQSBatchResponse> {
  const delayByGroup = new Map<string, number>();
  const processor = new SqsFifoPartialProcessorAsync();

  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      try {
        await handleRecord(record);
      } catch (error) {
        const group = record.attributes.MessageGroupId ?? '';
        delayByGroup.set(group, error instanceof RecordDeferredError ? error.delaySeconds : 0);
        throw error;
      }
    },
    processor,
    { ...(options.context ? { context: options.context } : {}), skipGroupOnError: true, throwOnFullBatchFailure: false },
  );

  const skipped = processor.failureMessages.filter((_, index) => {
    const error = processor.errors[index];
    return error instanceof SqsFifoMessageGroupShortCircuitError || error instanceof SqsFifoShortCircuitError;
  }) as SQSRecord[];
  await Promise.all(
    skipped.map(async (record) => {
      const delay = delayByGroup.get(record.attributes.MessageGroupId ?? '') ?? 0;
      try {
        await options.sqs.send(
          new ChangeMessageVisibilityCommand({ QueueUrl: options.queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: delay }),
        );
      } catch (error) {
        logger.error('failed to change the visibility of a skipped record', { error: error as Error, messageId: record.messageId });
      }
    }),
  );
  return response;
}
