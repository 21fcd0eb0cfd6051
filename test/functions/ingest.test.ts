import type { Context } from 'aws-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/ingest';
import { startSqsStandIn, type SqsStandIn } from '../../infra/local/sqs-stand-in';
import { resetConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import type { UploadJob } from '../../lib/upload-job';
import { s3EventFactory, s3EventRecordFactory, s3TestEventFactory } from '../helpers/s3-event-factory';
import { createFifoQueue, createTestSqsClient, receiveAll } from '../helpers/sqs-queue';
import { TEST_BRIDGE_ENV } from '../helpers/test-config';

/** The few Context fields the logger reads; the handler uses nothing else. */
function contextFactory(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'pnm-s3-bridge-ingest',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:pnm-s3-bridge-ingest',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/pnm-s3-bridge-ingest',
    logStreamName: '2026/12/04/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function stubBridgeEnv(overrides: Record<string, string> = {}): void {
  const env: Record<string, string> = {
    ...TEST_BRIDGE_ENV,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ...overrides,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}

describe('ingest handler', () => {
  let standIn: SqsStandIn;
  let sqs: SQSClient;

  beforeAll(async () => {
    standIn = await startSqsStandIn();
    sqs = createTestSqsClient(standIn.endpoint);
  });

  afterAll(async () => {
    sqs.destroy();
    await standIn.stop();
  });

  beforeEach(() => {
    resetConfig();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfig();
  });

  it('queues the records of an S3 event and returns the summary', async () => {
    // Prepare
    const { queueUrl } = await createFifoQueue(sqs);
    stubBridgeEnv({ UPLOAD_QUEUE_URL: queueUrl, SQS_ENDPOINT: standIn.endpoint });
    const event = s3EventFactory(s3EventRecordFactory('rooms/r1/week 1.pdf'), s3EventRecordFactory('other/deck.pdf'));

    // Act
    const summary = await handler(event, contextFactory());

    // Assess
    expect(summary).toStrictEqual({
      queued: 1,
      skipped: [{ key: 'other/deck.pdf', reason: 'key is outside the room key pattern rooms/{roomId}/' }],
    });
    const jobs = (await receiveAll(sqs, queueUrl)).map(({ body }) => body as UploadJob);
    expect(jobs.map(({ roomId, key }) => ({ roomId, key }))).toStrictEqual([{ roomId: 'r1', key: 'rooms/r1/week 1.pdf' }]);
  });

  it('acknowledges an s3:TestEvent', async () => {
    // Prepare
    stubBridgeEnv();

    // Act
    const summary = await handler(s3TestEventFactory(), contextFactory());

    // Assess
    expect(summary).toStrictEqual({ queued: 0, skipped: [] });
  });

  it('fails when UPLOAD_QUEUE_URL is missing', async () => {
    // Prepare
    stubBridgeEnv();
    const event = s3EventFactory(s3EventRecordFactory('rooms/r1/deck.pdf'));

    // Act
    const result = handler(event, contextFactory());

    // Assess
    await expect(result).rejects.toBeInstanceOf(ConfigError);
  });
});
