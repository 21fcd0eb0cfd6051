import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_S3_CREDENTIALS, startS3StandIn, type S3StandIn, type StandInS3Event } from '../../infra/local/s3-stand-in';
import { startSqsStandIn, type SqsStandIn } from '../../infra/local/sqs-stand-in';
import type { BridgeConfig } from '../../lib/config';
import { InvalidInputError, QueueError, S3UnavailableError } from '../../lib/errors';
import { ingestS3Event } from '../../lib/s3-ingest';
import type { UploadJob } from '../../lib/upload-job';
import { s3EventFactory, s3EventRecordFactory, s3TestEventFactory, toRealS3Event } from '../helpers/s3-event-factory';
import { captureLogs } from '../helpers/log-capture';
import { stubLocalAwsEnv, testConfig } from '../helpers/test-config';
import { createFifoQueue, createTestSqsClient, receiveAll } from '../helpers/sqs-queue';

const BUCKET = 'uploads';



describe('ingestS3Event', () => {
  let s3StandIn: S3StandIn;
  let sqsStandIn: SqsStandIn;
  let s3: S3Client;
  let sqs: SQSClient;
  const standInEvents: StandInS3Event[] = [];

  beforeAll(async () => {
    s3StandIn = await startS3StandIn({ buckets: [BUCKET] });
    s3StandIn.onEvent((event) => standInEvents.push(event));
    sqsStandIn = await startSqsStandIn();
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: s3StandIn.endpoint,
      forcePathStyle: true,
      credentials: LOCAL_S3_CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    sqs = createTestSqsClient(sqsStandIn.endpoint);
  });

  afterAll(async () => {
    s3.destroy();
    sqs.destroy();
    await s3StandIn.stop();
    await sqsStandIn.stop();
  });

  beforeEach(stubLocalAwsEnv);

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  async function prepare(overrides: Record<string, string> = {}): Promise<{ config: BridgeConfig; queueUrl: string }> {
    const { queueUrl } = await createFifoQueue(sqs);
    const config = testConfig({
      UPLOAD_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: sqsStandIn.endpoint,
      S3_ENDPOINT: s3StandIn.endpoint,
      ...overrides,
    });
    return { config, queueUrl };
  }

  /** Puts an object on the S3 stand-in and returns its notification, with the key encoded as real S3 does. */
  async function putObject(key: string, body: string, metadata?: Record<string, string>): Promise<StandInS3Event> {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from(body), ...(metadata ? { Metadata: metadata } : {}) }));
    const event = await vi.waitFor(() => {
      const found = standInEvents.find((candidate) => candidate.Records.some((record) => record.s3.object.key === key));
      if (!found) throw new Error(`no S3 event for ${key} yet`);
      return found;
    });
    return toRealS3Event({ Records: event.Records.filter((record) => record.s3.object.key === key) });
  }

  function mergeEvents(events: StandInS3Event[]): StandInS3Event {
    return { Records: events.flatMap((event) => event.Records) };
  }

  it('queues one job per object with the key decoded exactly', async () => {
    // Prepare
    const { config, queueUrl } = await prepare();
    const keys = [
      'rooms/r1/My Slides été.pptx',
      'rooms/r1/C++ notes (1).pdf',
      'rooms/r2/100% done.pdf',
      'rooms/r2/Q3 R&D = final?#1.pptx',
      'rooms/r2/Re\u0301sume\u0301.pdf',
    ];
    const recordByKey = new Map<string, StandInS3Event['Records'][number]>();
    for (const key of keys) {
      const { Records } = await putObject(key, `content of ${key}`);
      recordByKey.set(key, Records[0] as StandInS3Event['Records'][number]);
    }
    const event = { Records: [...recordByKey.values()] };

    // Act
    const summary = await ingestS3Event(config, event);

    // Assess
    expect(summary).toStrictEqual({ queued: keys.length, skipped: [] });
    const jobs = (await receiveAll(sqs, queueUrl)).map(({ body }) => body as UploadJob);
    expect(jobs.map((job) => job.key).sort()).toStrictEqual([...keys].sort());
    for (const job of jobs) {
      const record = recordByKey.get(job.key) as StandInS3Event['Records'][number] & { eventTime: string };
      expect(job).toStrictEqual({
        v: 1,
        roomId: job.key.split('/')[1],
        bucket: BUCKET,
        key: job.key,
        etag: record.s3.object.eTag,
        source: 's3-event',
        enqueuedAt: expect.any(String),
        deadline: new Date(Date.parse(record.eventTime) + 86_400_000).toISOString(),
      });
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: job.key }));
      expect(head.ContentLength).toBe(Buffer.byteLength(`content of ${job.key}`));
    }
  });

  it('takes the room from the key pattern when the key is encoded', async () => {
    // Prepare: raw keys from the stand-in would decode "slides+v2" to "slides v2".
    const { config, queueUrl } = await prepare();
    const event = await putObject('rooms/r3/slides+v2.pdf', 'deck');

    // Act
    await ingestS3Event(config, event);

    // Assess
    const jobs = (await receiveAll(sqs, queueUrl)).map(({ body }) => body as UploadJob);
    expect(jobs.map(({ roomId, key }) => ({ roomId, key }))).toStrictEqual([{ roomId: 'r3', key: 'rooms/r3/slides+v2.pdf' }]);
  });

  it('acknowledges an s3:TestEvent without queueing', async () => {
    // Prepare
    const { config, queueUrl } = await prepare();
    const logs = captureLogs();

    // Act
    const summary = await ingestS3Event(config, s3TestEventFactory(BUCKET));

    // Assess
    expect(summary).toStrictEqual({ queued: 0, skipped: [] });
    expect(await receiveAll(sqs, queueUrl)).toStrictEqual([]);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'S3 test event acknowledged', bucket: BUCKET }));
  });

  it('skips a folder placeholder', async () => {
    // Prepare
    const { config, queueUrl } = await prepare();
    const event = await putObject('rooms/r1/handouts/', '');

    // Act
    const summary = await ingestS3Event(config, event);

    // Assess
    expect(summary).toStrictEqual({ queued: 0, skipped: [{ key: 'rooms/r1/handouts/', reason: 'folder placeholder' }] });
    expect(await receiveAll(sqs, queueUrl)).toStrictEqual([]);
  });

  it('skips and logs a key outside the pattern', async () => {
    // Prepare
    const { config, queueUrl } = await prepare();
    const event = await putObject('inbox/r1/deck.pdf', 'deck');
    const logs = captureLogs();

    // Act
    const summary = await ingestS3Event(config, event);

    // Assess
    const reason = 'key is outside the room key pattern rooms/{roomId}/';
    expect(summary).toStrictEqual({ queued: 0, skipped: [{ key: 'inbox/r1/deck.pdf', reason }] });
    expect(await receiveAll(sqs, queueUrl)).toStrictEqual([]);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'S3 record skipped', bucket: BUCKET, key: 'inbox/r1/deck.pdf', reason }),
    );
  });

  it('skips a key whose room segment is not a plugNmeet room id', async () => {
    // Prepare
    const { config } = await prepare();
    const event = await putObject('rooms/room 1/deck.pdf', 'deck');

    // Act
    const summary = await ingestS3Event(config, event);

    // Assess
    expect(summary).toStrictEqual({
      queued: 0,
      skipped: [{ key: 'rooms/room 1/deck.pdf', reason: 'room segment "room 1" is not a valid plugNmeet room id' }],
    });
  });

  it('queues the valid records of an event and skips the others', async () => {
    // Prepare
    const { config, queueUrl } = await prepare();
    const malformed = s3EventRecordFactory('placeholder');
    malformed.s3.object.key = 'rooms/r1/100%+done.pdf';
    const event = s3EventFactory(
      s3EventRecordFactory('rooms/r1/deleted.pdf', { eventName: 'ObjectRemoved:Delete' }),
      s3EventRecordFactory('rooms/r1/deck.pdf', { bucket: 'elsewhere' }),
      malformed,
      s3EventRecordFactory('rooms/r1/kept.pdf'),
    );

    // Act
    const summary = await ingestS3Event(config, event);

    // Assess
    expect(summary).toStrictEqual({
      queued: 1,
      skipped: [
        { key: 'rooms/r1/deleted.pdf', reason: 'event ObjectRemoved:Delete is not an ObjectCreated event' },
        { key: 'rooms/r1/deck.pdf', reason: 'bucket elsewhere is not in ALLOWED_BUCKETS' },
        { key: 'rooms/r1/100%+done.pdf', reason: 'key contains a malformed percent escape' },
      ],
    });
    const jobs = (await receiveAll(sqs, queueUrl)).map(({ body }) => body as UploadJob);
    expect(jobs.map(({ key }) => key)).toStrictEqual(['rooms/r1/kept.pdf']);
  });

  it('queues a duplicated event once', async () => {
    // Prepare
    const { config, queueUrl } = await prepare();
    const event = await putObject('rooms/r1/deck.pdf', 'deck');

    // Act
    await ingestS3Event(config, event);
    await ingestS3Event(config, event);

    // Assess
    expect(await receiveAll(sqs, queueUrl)).toHaveLength(1);
  });

  it('queues a re-upload of the same key again', async () => {
    // Prepare
    const { config, queueUrl } = await prepare();
    const first = await putObject('rooms/r1/again.pdf', 'first version');
    standInEvents.length = 0;
    const second = await putObject('rooms/r1/again.pdf', 'second version');

    // Act
    await ingestS3Event(config, first);
    await ingestS3Event(config, second);

    // Assess
    expect(await receiveAll(sqs, queueUrl)).toHaveLength(2);
  });

  it('keeps the version id and sets the deadline from the event time', async () => {
    // Prepare
    const { config, queueUrl } = await prepare({ DEFAULT_DEADLINE_SECONDS: '3600' });
    const record = s3EventRecordFactory('rooms/r1/deck.pdf', { eventTime: '2026-12-04T10:00:00.000Z', versionId: 'v-1', eTag: 'abc' });

    // Act
    await ingestS3Event(config, s3EventFactory(record));

    // Assess
    const [message] = await receiveAll(sqs, queueUrl);
    expect(message?.body).toMatchObject({ versionId: 'v-1', etag: 'abc', deadline: '2026-12-04T11:00:00.000Z' });
  });

  it('logs each queued record with its room, bucket, key and message id', async () => {
    // Prepare
    const { config } = await prepare();
    const event = s3EventFactory(s3EventRecordFactory('rooms/r1/deck.pdf'));
    const logs = captureLogs();

    // Act
    await ingestS3Event(config, event);
    await ingestS3Event(config, s3TestEventFactory(BUCKET));

    // Assess
    const lines = logs.entries();
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'upload queued', roomId: 'r1', bucket: BUCKET, key: 'rooms/r1/deck.pdf', messageId: expect.any(String) }),
    );
    const afterwards = lines.find((line) => line.message === 'S3 test event acknowledged');
    expect(afterwards).not.toHaveProperty('roomId');
    expect(afterwards).not.toHaveProperty('key');
  });

  it('takes the room from x-amz-meta-room-id when ROOM_FROM_METADATA is on', async () => {
    // Prepare
    const { config, queueUrl } = await prepare({ ROOM_FROM_METADATA: 'true' });
    const event = mergeEvents([
      await putObject('inbox/deck.pdf', 'deck', { 'room-id': 'meta-room' }),
      await putObject('rooms/r1/override.pdf', 'deck', { 'room-id': 'meta-room' }),
      await putObject('rooms/r1/plain.pdf', 'deck'),
    ]);

    // Act
    const summary = await ingestS3Event(config, event);

    // Assess
    expect(summary).toStrictEqual({ queued: 3, skipped: [] });
    const jobs = (await receiveAll(sqs, queueUrl)).map(({ body }) => body as UploadJob);
    expect(jobs.map(({ roomId, key }) => ({ roomId, key })).sort((a, b) => a.key.localeCompare(b.key))).toStrictEqual([
      { roomId: 'meta-room', key: 'inbox/deck.pdf' },
      { roomId: 'meta-room', key: 'rooms/r1/override.pdf' },
      { roomId: 'r1', key: 'rooms/r1/plain.pdf' },
    ]);
  });

  it('skips an invalid metadata room and a deleted object', async () => {
    // Prepare
    const { config } = await prepare({ ROOM_FROM_METADATA: 'true' });
    const event = mergeEvents([
      await putObject('rooms/r1/bad-meta.pdf', 'deck', { 'room-id': 'bad room' }),
      s3EventFactory(s3EventRecordFactory('rooms/r1/never-written.pdf')),
    ]);

    // Act
    const summary = await ingestS3Event(config, event);

    // Assess
    expect(summary).toStrictEqual({
      queued: 0,
      skipped: [
        { key: 'rooms/r1/bad-meta.pdf', reason: 'x-amz-meta-room-id "bad room" is not a valid plugNmeet room id' },
        { key: 'rooms/r1/never-written.pdf', reason: 'object no longer exists' },
      ],
    });
  });

  it('throws S3UnavailableError when HeadObject cannot reach S3', async () => {
    // Prepare: a stopped stand-in leaves a port nothing listens on.
    const closed = await startS3StandIn({ buckets: [BUCKET] });
    await closed.stop();
    const { config } = await prepare({ ROOM_FROM_METADATA: 'true', S3_ENDPOINT: closed.endpoint });
    const event = s3EventFactory(s3EventRecordFactory('rooms/r1/deck.pdf'));

    // Act
    const result = ingestS3Event(config, event);

    // Assess
    await expect(result).rejects.toBeInstanceOf(S3UnavailableError);
    await expect(result).rejects.toMatchObject({ retryable: true, facts: { bucket: BUCKET, key: 'rooms/r1/deck.pdf' } });
  });

  it('throws QueueError when SQS is unreachable', async () => {
    // Prepare: a stopped stand-in leaves a port nothing listens on.
    const closed = await startSqsStandIn();
    await closed.stop();
    const config = testConfig({ UPLOAD_QUEUE_URL: `${closed.endpoint}/000000000000/uploads.fifo`, SQS_ENDPOINT: closed.endpoint });
    const event = s3EventFactory(s3EventRecordFactory('rooms/r1/deck.pdf'));
    const logs = captureLogs();

    // Act
    const result = ingestS3Event(config, event);

    // Assess
    await expect(result).rejects.toBeInstanceOf(QueueError);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ level: 'ERROR', jobs: 1 }));
  });

  it.each([null, 'text', {}, { Records: 'not a list' }, { Event: 's3:ObjectCreated:Put' }])(
    'throws InvalidInputError for the event %j',
    async (event) => {
      // Prepare
      const { config } = await prepare();

      // Act
      const result = ingestS3Event(config, event);

      // Assess
      await expect(result).rejects.toBeInstanceOf(InvalidInputError);
    },
  );
});
