import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { setMaxListeners } from 'node:events';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** A function that consumes SQS events the way a Lambda behind an event source mapping does. */
export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** Messages per invocation; the deployed mapping uses 1. */
  batchSize?: number;
  /** Invocations that may run at once, like the mapping's maximum concurrency. */
  concurrency?: number;
  /** Long-poll wait per receive, in seconds. */
  waitTimeSeconds?: number;
  /** Called when an invocation throws or a delete fails; the poller keeps going. */
  onError?: (error: unknown) => void;
}

export interface QueuePoller {
  /** Invocations started so far. */
  readonly invocations: number;
  stop(): Promise<void>;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}

/**
 * Polls a queue and invokes a handler the way Lambda's SQS event source mapping does: batches of
 * received messages, partial batch responses (`batchItemFailures`: those messages stay on the
 * queue with whatever visibility the handler gave them, the rest are deleted), and a thrown
 * error leaving the whole batch on the queue. Each lane is one concurrent invocation.
 */
export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const batchSize = options.batchSize ?? 1;
  const concurrency = options.concurrency ?? 10;
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const controller = new AbortController();
  // Every lane's receive listens on the one signal; without this Node warns once past ten listeners.
  setMaxListeners(concurrency + 1, controller.signal);
  let invocations = 0;
  let stopping = false;

  const settle = async (messages: Message[], response: SQSBatchResponse | void): Promise<void> => {
    const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    const done = messages.filter((message) => !failed.has(message.MessageId ?? ''));
    if (done.length === 0) return;
    const result = await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
      }),
    );
    if (result.Failed && result.Failed.length > 0) {
      options.onError?.(new Error(`Failed to delete ${result.Failed.length} processed messages: ${JSON.stringify(result.Failed)}`));
    }
  };

  const runLane = async (): Promise<void> => {
    while (!stopping) {
      let messages: Message[];
      try {
        const received = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: controller.signal },
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (stopping) return;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (messages.length === 0) continue;

      invocations += 1;
      try {
        const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueArn)) };
        await settle(messages, await options.handler(event));
      } catch (error) {
        // Like Lambda: a failed invocation leaves the whole batch to reappear after its visibility timeout.
        options.onError?.(error);
      }
    }
  };

  const lanes = Array.from({ length: concurrency }, () => runLane());
  return {
    get invocations() {
      return invocations;
    },
    stop: async () => {
      stopping = true;
      controller.abort();
      await Promise.allSettled(lanes);
    },
  };
}
