import { randomBytes } from 'node:crypto';
import {
  SendMessageBatchCommand,
  SQSClient,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
} from '@aws-sdk/client-sqs';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSqsStandIn, type SqsStandIn } from '../../infra/local/sqs-stand-in';
import type { BridgeConfig } from '../../lib/config';
import { ConfigError, InvalidInputError, QueueError } from '../../lib/errors';
import { toDeduplicationId, toMessageGroupId } from '../../lib/message-ids';
import type { UploadJob } from '../../lib/upload-job';
import { enqueueUploads, MAX_SEND_ATTEMPTS, requireQueueUrl, type QueuedUpload } from '../../lib/upload-queue';
import { captureLogs } from '../helpers/log-capture';
import { stubLocalAwsEnv, testConfig } from '../helpers/test-config';
import { createFifoQueue, createTestSqsClient, receiveAll } from '../helpers/sqs-queue';


/** Builds a queued upload for a room and key, with a fresh sequencer so each call is a new upload. */
function uploadFactory(roomId: string, key: string): QueuedUpload {
  const job: UploadJob = {
    v: 1,
    roomId,
    bucket: 'uploads',
    key,
    source: 's3-event',
    enqueuedAt: '2026-12-04T10:00:00.000Z',
    deadline: '2026-12-05T10:00:00.000Z',
  };
  const sequencer = randomBytes(9).toString('hex');
  return { job, deduplicationId: toDeduplicationId({ roomId, bucket: job.bucket, key, sequencer }) };
}


function keyOfBody(body: string | undefined): string {
  return (JSON.parse(body ?? '{}') as UploadJob).key;
}

beforeEach(stubLocalAwsEnv);

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('enqueueUploads on the SQS stand-in', () => {
  let standIn: SqsStandIn;
  let client: SQSClient;

  beforeAll(async () => {
    standIn = await startSqsStandIn();
    client = createTestSqsClient(standIn.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    await standIn.stop();
  });

  async function prepareQueue(): Promise<{ config: BridgeConfig; queueUrl: string }> {
    const { queueUrl } = await createFifoQueue(client);
    return { config: testConfig({ UPLOAD_QUEUE_URL: queueUrl, SQS_ENDPOINT: standIn.endpoint }), queueUrl };
  }

  it('keeps each room in order across more than ten jobs', async () => {
    // Prepare
    const { config, queueUrl } = await prepareQueue();
    const rooms = ['r1', 'r2', 'r3', 'r1', 'r1', 'r2', 'r1', 'r3', 'r3', 'r3', 'r2', 'r1', 'r2', 'r1', 'r3', 'r1', 'r2', 'r1', 'r1', 'r3', 'r2', 'r1', 'r2', 'r3', 'r1'];
    const uploads = rooms.map((roomId, index) => uploadFactory(roomId, `rooms/${roomId}/file-${index}.pdf`));

    // Act
    const { messageIds } = await enqueueUploads(config, uploads);

    // Assess
    expect(messageIds).toHaveLength(uploads.length);
    expect(new Set(messageIds).size).toBe(uploads.length);
    const received = await receiveAll(client, queueUrl);
    expect(received).toHaveLength(uploads.length);
    for (const roomId of ['r1', 'r2', 'r3']) {
      const sentKeys = uploads.filter(({ job }) => job.roomId === roomId).map(({ job }) => job.key);
      const receivedKeys = received.filter(({ groupId }) => groupId === roomId).map(({ body }) => (body as UploadJob).key);
      expect(receivedKeys).toStrictEqual(sentKeys);
    }
    const messageIdByKey = new Map(uploads.map(({ job }, index) => [job.key, messageIds[index]]));
    for (const message of received) {
      expect(message.messageId).toBe(messageIdByKey.get((message.body as UploadJob).key));
    }
  });

  it('sends the job as the message body with its deduplication id', async () => {
    // Prepare
    const { config, queueUrl } = await prepareQueue();
    const upload = uploadFactory('math-101', 'rooms/math-101/week 1.pdf');

    // Act
    await enqueueUploads(config, [upload]);

    // Assess
    const received = await receiveAll(client, queueUrl);
    expect(received).toStrictEqual([
      {
        messageId: expect.any(String),
        groupId: 'math-101',
        deduplicationId: upload.deduplicationId,
        body: upload.job,
      },
    ]);
  });

  it('delivers a repeated job once', async () => {
    // Prepare
    const { config, queueUrl } = await prepareQueue();
    const upload = uploadFactory('r1', 'rooms/r1/deck.pdf');

    // Act
    const first = await enqueueUploads(config, [upload]);
    const second = await enqueueUploads(config, [upload]);

    // Assess
    expect(second.messageIds).toStrictEqual(first.messageIds);
    const received = await receiveAll(client, queueUrl);
    expect(received.map(({ messageId }) => messageId)).toStrictEqual(first.messageIds);
  });

  it('delivers a re-upload of the same key again', async () => {
    // Prepare
    const { config, queueUrl } = await prepareQueue();
    const uploads = [uploadFactory('r1', 'rooms/r1/deck.pdf'), uploadFactory('r1', 'rooms/r1/deck.pdf')];

    // Act
    await enqueueUploads(config, uploads);

    // Assess
    const received = await receiveAll(client, queueUrl);
    expect(received.map(({ deduplicationId }) => deduplicationId)).toStrictEqual(uploads.map((upload) => upload.deduplicationId));
  });

  it('uses a hashed group id for a room id over 128 characters', async () => {
    // Prepare
    const { config, queueUrl } = await prepareQueue();
    const roomId = 'r'.repeat(200);
    const upload = uploadFactory(roomId, `rooms/${roomId}/deck.pdf`);

    // Act
    await enqueueUploads(config, [upload]);

    // Assess
    const received = await receiveAll(client, queueUrl);
    expect(received.map(({ groupId }) => groupId)).toStrictEqual([toMessageGroupId(roomId)]);
    expect((received[0]?.body as UploadJob).roomId).toBe(roomId);
  });

  it('rejects an invalid deduplication id and sends nothing', async () => {
    // Prepare
    const { config, queueUrl } = await prepareQueue();
    const valid = uploadFactory('r1', 'rooms/r1/a.pdf');
    const invalid = { ...uploadFactory('r1', 'rooms/r1/b.pdf'), deduplicationId: 'has a space' };

    // Act
    const result = enqueueUploads(config, [valid, invalid]);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InvalidInputError);
    expect(await receiveAll(client, queueUrl)).toStrictEqual([]);
  });

  it('returns no message ids for no jobs', async () => {
    // Prepare
    const { config } = await prepareQueue();

    // Act
    const result = await enqueueUploads(config, []);

    // Assess
    expect(result).toStrictEqual({ messageIds: [] });
  });

  it('throws QueueError when SQS is unreachable', async () => {
    // Prepare: a stand-in that has stopped leaves a port nothing listens on.
    const closed = await startSqsStandIn();
    await closed.stop();
    const config = testConfig({
      UPLOAD_QUEUE_URL: `${closed.endpoint}/000000000000/uploads.fifo`,
      SQS_ENDPOINT: closed.endpoint,
    });

    // Act
    const result = enqueueUploads(config, [uploadFactory('r1', 'rooms/r1/deck.pdf')]);

    // Assess
    await expect(result).rejects.toBeInstanceOf(QueueError);
    await expect(result).rejects.toMatchObject({ code: 'QUEUE_ERROR', retryable: true, facts: { roomId: 'r1' } });
  });
});

describe('requireQueueUrl', () => {
  it('returns the configured queue URL', () => {
    // Prepare
    const config = testConfig({ UPLOAD_QUEUE_URL: 'http://127.0.0.1:9/000000000000/uploads.fifo' });

    // Act
    const url = requireQueueUrl(config);

    // Assess
    expect(url).toBe('http://127.0.0.1:9/000000000000/uploads.fifo');
  });

  it('throws ConfigError when UPLOAD_QUEUE_URL is not set', () => {
    // Prepare
    const config = testConfig();

    // Act
    const act = () => requireQueueUrl(config);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/UPLOAD_QUEUE_URL/);
  });
});

// fauxqs accepts every entry, so partial SendMessageBatch failures can only be shown with a mocked client.
describe('enqueueUploads with failed batch entries', () => {
  let sqsMock: AwsClientStub<SQSClient>;
  const config = testConfig({ UPLOAD_QUEUE_URL: 'http://127.0.0.1:9/000000000000/uploads.fifo' });

  /** Makes the mock fail the entries that `fail` picks, with the given sender fault, and accept the rest. */
  function answerCalls(fail: (key: string, call: number) => { senderFault: boolean } | undefined): void {
    let call = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput): SendMessageBatchCommandOutput => {
      call += 1;
      const output: SendMessageBatchCommandOutput = { Successful: [], Failed: [], $metadata: {} };
      for (const entry of input.Entries ?? []) {
        const key = keyOfBody(entry.MessageBody);
        const failure = fail(key, call);
        if (failure) {
          output.Failed?.push({ Id: entry.Id, Code: 'InternalError', SenderFault: failure.senderFault });
        } else {
          output.Successful?.push({ Id: entry.Id, MessageId: `message-${key}`, MD5OfMessageBody: '' });
        }
      }
      return output;
    });
  }

  /** Lists the keys of each SendMessageBatch call, call by call. */
  function sentKeysPerCall(): string[][] {
    return sqsMock
      .commandCalls(SendMessageBatchCommand)
      .map((call) => (call.args[0].input.Entries ?? []).map((entry) => keyOfBody(entry.MessageBody)));
  }

  // The mock replaces `send` on every SQSClient, so it exists only while this block runs.
  beforeAll(() => {
    sqsMock = mockClient(SQSClient);
  });

  beforeEach(() => {
    sqsMock.reset();
  });

  afterAll(() => {
    sqsMock.restore();
  });

  it('sends a failed job again before the later jobs of its room', async () => {
    // Prepare
    answerCalls((key, call) => (key === 'a1' && call === 1 ? { senderFault: false } : undefined));
    const uploads = [uploadFactory('A', 'a1'), uploadFactory('A', 'a2'), uploadFactory('B', 'b1'), uploadFactory('B', 'b2')];
    const logs = captureLogs();

    // Act
    const result = await enqueueUploads(config, uploads);

    // Assess
    expect(sentKeysPerCall()).toStrictEqual([['a1', 'b1'], ['a1', 'b2'], ['a2']]);
    expect(result).toStrictEqual({ messageIds: ['message-a1', 'message-a2', 'message-b1', 'message-b2'] });
    expect(logs.entries()).toStrictEqual([
      expect.objectContaining({ level: 'WARN', roomId: 'A', key: 'a1', code: 'InternalError', attempt: 1 }),
    ]);
  });

  it('sends at most ten jobs in one call', async () => {
    // Prepare
    answerCalls(() => undefined);
    const uploads = Array.from({ length: 12 }, (_, index) => uploadFactory(`room-${index}`, `k${index}`));

    // Act
    await enqueueUploads(config, uploads);

    // Assess
    expect(sentKeysPerCall().map((keys) => keys.length)).toStrictEqual([10, 2]);
  });

  it('gives up after the bounded sends and leaves the room\'s later jobs unsent', async () => {
    // Prepare
    answerCalls((key) => (key === 'a1' ? { senderFault: false } : undefined));
    const uploads = [uploadFactory('A', 'a1'), uploadFactory('A', 'a2'), uploadFactory('B', 'b1'), uploadFactory('B', 'b2')];

    // Act
    const result = enqueueUploads(config, uploads);

    // Assess
    await expect(result).rejects.toBeInstanceOf(QueueError);
    await expect(result).rejects.toMatchObject({ code: 'QUEUE_ERROR', facts: { roomId: 'A', key: 'a1' } });
    const calls = sentKeysPerCall();
    expect(calls.flat().filter((key) => key === 'a1')).toHaveLength(MAX_SEND_ATTEMPTS);
    expect(calls.flat()).not.toContain('a2');
    expect(calls.slice(0, 2)).toStrictEqual([['a1', 'b1'], ['a1', 'b2']]);
  });

  it('does not send again an entry SQS blames on the sender', async () => {
    // Prepare
    answerCalls((key) => (key === 'a1' ? { senderFault: true } : undefined));
    const uploads = [uploadFactory('A', 'a1'), uploadFactory('A', 'a2'), uploadFactory('B', 'b1')];

    // Act
    const result = enqueueUploads(config, uploads);

    // Assess
    await expect(result).rejects.toBeInstanceOf(QueueError);
    expect(sentKeysPerCall()).toStrictEqual([['a1', 'b1']]);
  });

  it('treats an entry missing from the response as failed', async () => {
    // Prepare
    let call = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      call += 1;
      const entries = call === 1 ? [] : (input.Entries ?? []);
      return { Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: `message-${call}`, MD5OfMessageBody: '' })), Failed: [] };
    });

    // Act
    const result = await enqueueUploads(config, [uploadFactory('A', 'a1')]);

    // Assess
    expect(sentKeysPerCall()).toStrictEqual([['a1'], ['a1']]);
    expect(result).toStrictEqual({ messageIds: ['message-2'] });
  });

  it('wraps a failed call in QueueError with the cause', async () => {
    // Prepare
    const cause = Object.assign(new Error('Access to the resource is denied.'), { name: 'AccessDenied' });
    sqsMock.on(SendMessageBatchCommand).rejects(cause);

    // Act
    const result = enqueueUploads(config, [uploadFactory('A', 'a1')]);

    // Assess
    await expect(result).rejects.toBeInstanceOf(QueueError);
    await expect(result).rejects.toMatchObject({ cause });
  });
});
