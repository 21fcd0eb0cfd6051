import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callBridgeApi, type BridgeApiResponse } from '../../bin/bridge-api-client';
import type { FailureRecord } from '../../lib/failure-record';
import { createLocalS3Client, LOCAL_S3_CREDENTIALS } from '../../infra/local/s3-stand-in';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/stack';

const samplesDirectory = fileURLToPath(new URL('../../infra/local/samples/', import.meta.url));

/** A local stack plus the clients a test needs to drive it. */
export interface TestStack extends LocalStack {
  s3Client: S3Client;
  putObject(key: string, body: Buffer | string, contentType?: string): Promise<void>;
  putSample(key: string, sample: string): Promise<void>;
  api(path: string, payload: unknown, headers?: Record<string, string>): Promise<BridgeApiResponse>;
  /** Counts the upload queue's messages, visible and in flight: 0 once every file is settled. */
  countQueuedMessages(): Promise<number>;
  /** Reads and removes every failure record on the failure queue. */
  drainFailureRecords(): Promise<FailureRecord[]>;
}

/** Returns the bytes of a committed sample document. */
export function readSample(name: string): Promise<Buffer> {
  return readFile(join(samplesDirectory, name));
}

/**
 * Starts the local stack on free ports with short timings for tests: the simulator's lock lives
 * three seconds and back-offs are a second or two, so retries show within a test's time.
 */
export async function startTestStack(options: LocalStackOptions = {}): Promise<TestStack> {
  const stack = await startLocalStack({
    ports: { api: 0, s3: 0, sqs: 0, plugnmeet: 0 },
    conversionMs: 50,
    lockTtlMs: 3_000,
    workerConcurrency: 8,
    ...options,
    settings: {
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      BUSY_BACKOFF_BASE_SECONDS: '1',
      BUSY_BACKOFF_CAP_SECONDS: '2',
      ROOM_WAIT_BACKOFF_BASE_SECONDS: '1',
      ROOM_WAIT_BACKOFF_CAP_SECONDS: '1',
      LOCK_TTL_SECONDS: '3',
      ...options.settings,
    },
  });
  const { description } = stack;
  const s3Client = createLocalS3Client(description.s3Endpoint, description.region);
  const sqsClient = new SQSClient({ region: description.region, endpoint: description.sqsEndpoint, credentials: LOCAL_S3_CREDENTIALS });

  const putObject = async (key: string, body: Buffer | string, contentType?: string): Promise<void> => {
    await s3Client.send(new PutObjectCommand({ Bucket: description.bucket, Key: key, Body: Buffer.from(body), ...(contentType ? { ContentType: contentType } : {}) }));
  };

  return {
    ...stack,
    s3Client,
    putObject,
    putSample: async (key, sample) => putObject(key, await readSample(sample)),
    api: (path, payload, headers) => callBridgeApi(description, path, payload, headers ? { headers } : {}),
    countQueuedMessages: async () => {
      const { Attributes } = await sqsClient.send(
        new GetQueueAttributesCommand({
          QueueUrl: description.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    },
    drainFailureRecords: async () => {
      const records: FailureRecord[] = [];
      for (;;) {
        const received = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: description.failureQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const messages = received.Messages ?? [];
        if (messages.length === 0) return records;
        for (const message of messages) {
          records.push(JSON.parse(message.Body ?? '{}') as FailureRecord);
          await sqsClient.send(new DeleteMessageCommand({ QueueUrl: description.failureQueueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    },
  };
}

/** Polls until `condition` returns true, or fails after `timeoutMs` with `message`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, message: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
