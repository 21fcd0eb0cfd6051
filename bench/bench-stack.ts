import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { handler as workerHandler } from '../functions/worker';
import { createLocalContext } from '../infra/local/lambda-context';
import type { PlugnmeetSimulator } from '../infra/local/plugnmeet-simulator';
import { startQueuePoller, type QueuePoller } from '../infra/local/queue-poller';
import { LOCAL_S3_CREDENTIALS } from '../infra/local/s3-stand-in';
import { startLocalStack, type LocalStack } from '../infra/local/stack';
import {
  API_TIMEOUT_MS,
  BUSY_BACKOFF,
  LOCK_TTL_SECONDS,
  MAX_RECEIVE_COUNT,
  ROOM_WAIT_BACKOFF,
  UPLOAD_TIMEOUT_MS,
  WORKER_BATCH_SIZE,
} from '../infra/timing';
import type { FailureRecord } from '../lib/failure-record';
import { observeQueueClient, type MessageTrace, type QueueObserver } from './queue-observer';

/** The worker settings serverless.yml deploys (from infra/timing.ts), as environment variables. */
export const DEPLOYED_WORKER_SETTINGS: Readonly<Record<string, string>> = {
  UPLOAD_TIMEOUT_MS: String(UPLOAD_TIMEOUT_MS),
  API_TIMEOUT_MS: String(API_TIMEOUT_MS),
  MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
  BUSY_BACKOFF_BASE_SECONDS: String(BUSY_BACKOFF.baseSeconds),
  BUSY_BACKOFF_CAP_SECONDS: String(BUSY_BACKOFF.capSeconds),
  ROOM_WAIT_BACKOFF_BASE_SECONDS: String(ROOM_WAIT_BACKOFF.baseSeconds),
  ROOM_WAIT_BACKOFF_CAP_SECONDS: String(ROOM_WAIT_BACKOFF.capSeconds),
  LOCK_TTL_SECONDS: String(LOCK_TTL_SECONDS),
};

export interface BenchStackOptions {
  /** Simulated conversion time per file, in milliseconds. */
  conversionMs: number;
  /** Simulator lock lifetime in milliseconds; the server's 300_000 when undefined. */
  lockTtlMs?: number;
  /** Concurrent worker invocations: the event source mapping's `maximumConcurrency`. */
  lanes: number;
  /** Bridge settings (environment variable names) applied over the stack's defaults. */
  settings: Record<string, string>;
  /** Called for each message the poller receives, before the worker gets it. */
  onReceive?: (trace: MessageTrace) => void;
}

/** A local stack driven by the benchmark's own poller, with the clients the benchmark needs. */
export interface BenchStack {
  stack: LocalStack;
  simulator: PlugnmeetSimulator;
  queue: QueueObserver;
  /** Returns when the S3 stand-in emitted the latest ObjectCreated notification for `key` (epoch ms). */
  notifiedAt(key: string): number | undefined;
  /** Writes an object; resolves with its ETag and the time the response arrived (epoch ms). */
  putObject(key: string, body: Buffer, contentType: string): Promise<{ etag: string; completedAt: number }>;
  deleteObject(key: string): Promise<void>;
  /** Reads and removes the failure records on the failure queue. */
  drainFailureRecords(): Promise<FailureRecord[]>;
  /** Messages on the upload queue: visible, in flight or hidden by a back-off. */
  countQueuedMessages(): Promise<number>;
  /** Errors the poller reported (invocations that threw, failed deletes). */
  readonly pollerErrors: unknown[];
  stop(): Promise<void>;
}

/**
 * Starts the local stack (`startLocalStack`) with its own poller switched off, and runs the same
 * poller (`startQueuePoller`, batch size 1 as deployed) on an SQS client of its own.
 *
 * The stack's own poller is not used because its client has the SDK's default of 50 sockets. With 50
 * or more lanes every socket is taken by a long poll, so the DeleteMessageBatch after each file
 * waits for a poll to end (up to its 1 s wait) before the room's next file is released. Lambda
 * deletes with its own pollers, so that wait is an artifact of the stand-in. This client gets a
 * socket for every lane, and `observeQueueClient` timestamps its receives and deletes.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const stack = await startLocalStack({
    ports: { api: 0, s3: 0, sqs: 0, plugnmeet: 0 },
    conversionMs: options.conversionMs,
    ...(options.lockTtlMs === undefined ? {} : { lockTtlMs: options.lockTtlMs }),
    workerConcurrency: 0,
    settings: options.settings,
  });
  const { description } = stack;
  const simulator = stack.simulator as PlugnmeetSimulator;
  const s3Client = new S3Client({
    region: description.region,
    endpoint: description.s3Endpoint,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const sqsClient = new SQSClient({ region: description.region, endpoint: description.sqsEndpoint, credentials: LOCAL_S3_CREDENTIALS });
  const pollerClient = new SQSClient({
    region: description.region,
    endpoint: description.sqsEndpoint,
    credentials: LOCAL_S3_CREDENTIALS,
    // One socket per lane for its long poll, plus room for the deletes.
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: options.lanes + 16 } },
  });
  const queue = observeQueueClient(pollerClient, options.onReceive ? { onReceive: options.onReceive } : {});
  const notificationTimes = new Map<string, number>();
  stack.s3.onEvent((event) => {
    const at = Date.now();
    for (const record of event.Records) {
      if (record.eventName.startsWith('ObjectCreated:')) notificationTimes.set(record.s3.object.key, at);
    }
  });

  const attributes = await sqsClient.send(new GetQueueAttributesCommand({ QueueUrl: description.queueUrl, AttributeNames: ['QueueArn'] }));
  const pollerErrors: unknown[] = [];
  const poller: QueuePoller = startQueuePoller({
    sqs: pollerClient,
    queueUrl: description.queueUrl,
    queueArn: attributes.Attributes?.QueueArn ?? '',
    handler: (event) => workerHandler(event, createLocalContext('worker')),
    batchSize: WORKER_BATCH_SIZE,
    concurrency: options.lanes,
    onError: (error) => pollerErrors.push(error),
  });

  return {
    stack,
    simulator,
    queue,
    notifiedAt: (key) => notificationTimes.get(key),
    pollerErrors,
    putObject: async (key, body, contentType) => {
      const output = await s3Client.send(new PutObjectCommand({ Bucket: description.bucket, Key: key, Body: body, ContentType: contentType }));
      return { etag: (output.ETag ?? '').replace(/"/g, ''), completedAt: Date.now() };
    },
    deleteObject: async (key) => {
      await s3Client.send(new DeleteObjectCommand({ Bucket: description.bucket, Key: key }));
    },
    drainFailureRecords: async () => {
      const records: FailureRecord[] = [];
      for (;;) {
        const received = await sqsClient.send(
          new ReceiveMessageCommand({ QueueUrl: description.failureQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0) return records;
        for (const message of messages) {
          records.push(JSON.parse(message.Body ?? '{}') as FailureRecord);
          await sqsClient.send(new DeleteMessageCommand({ QueueUrl: description.failureQueueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    },
    countQueuedMessages: async () => {
      const output = await sqsClient.send(
        new GetQueueAttributesCommand({
          QueueUrl: description.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      const values = output.Attributes ?? {};
      return (
        Number(values.ApproximateNumberOfMessages ?? 0) +
        Number(values.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(values.ApproximateNumberOfMessagesDelayed ?? 0)
      );
    },
    stop: async () => {
      // In-flight uploads end once the simulator is gone, so the lanes can finish.
      const pollerStopped = poller.stop();
      await stack.stop();
      await pollerStopped;
    },
  };
}

/** Polls `condition` every 10 ms until it is true, or throws after `timeoutMs` naming `what`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
