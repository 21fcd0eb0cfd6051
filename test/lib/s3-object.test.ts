import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3StandIn, type S3StandIn } from '../../infra/local/s3-stand-in';
import type { BridgeConfig } from '../../lib/config';
import {
  BridgeError,
  BucketNotAllowedError,
  EmptyObjectError,
  FileTooLargeError,
  InvalidInputError,
  ObjectChangedError,
  ObjectNotFoundError,
  S3AccessDeniedError,
  S3UnavailableError,
  UnsupportedFileTypeError,
} from '../../lib/errors';
import { inspectObject } from '../../lib/s3-object';
import {
  createFixtureClient,
  findClosedEndpoint,
  makePdfBytes,
  makeTestConfig,
  putFixture,
  startFailingEndpoint,
  TEST_BUCKET,
  type FailingEndpoint,
} from '../helpers/s3-fixtures';

const PPTX_MIME = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

let standIn: S3StandIn;
let fixtures: S3Client;
let config: BridgeConfig;

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  standIn = await startS3StandIn({ buckets: [TEST_BUCKET] });
  fixtures = createFixtureClient(standIn.endpoint);
  config = makeTestConfig(standIn.endpoint);
});

afterAll(async () => {
  fixtures.destroy();
  await standIn.stop();
  vi.unstubAllEnvs();
});

async function catchRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

async function expectRejection(promise: Promise<unknown>, errorClass: new (...args: never[]) => BridgeError, code: string): Promise<BridgeError> {
  const error = await catchRejection(promise);
  expect(error).toBeInstanceOf(errorClass);
  expect((error as BridgeError).code).toBe(code);
  return error as BridgeError;
}

describe('inspectObject', () => {
  it('returns the object with its resolved type', async () => {
    // Prepare
    const key = 'rooms/room-1/Q3 report.pdf';
    const body = makePdfBytes('report');
    const etag = await putFixture(fixtures, { key, body, contentType: 'application/pdf', metadata: { 'Room-Id': 'room-1' } });

    // Act
    const info = await inspectObject(config, { bucket: TEST_BUCKET, key });

    // Assess
    expect(info).toStrictEqual({
      bucket: TEST_BUCKET,
      key,
      etag,
      size: body.length,
      storedContentType: 'application/pdf',
      fileType: 'pdf',
      contentType: 'application/pdf',
      metadata: { 'room-id': 'room-1' },
    });
  });

  it('resolves binary/octet-stream from the extension', async () => {
    // Prepare
    const key = 'rooms/room-1/deck.pptx';
    await putFixture(fixtures, { key, body: Buffer.from('PK\u0003\u0004 slides'), contentType: 'binary/octet-stream' });

    // Act
    const info = await inspectObject(config, { bucket: TEST_BUCKET, key });

    // Assess
    expect(info.storedContentType).toBe('binary/octet-stream');
    expect(info.fileType).toBe('pptx');
    expect(info.contentType).toBe(PPTX_MIME);
  });

  it('accepts the ETag the object has, quoted or not', async () => {
    // Prepare
    const key = 'rooms/room-1/pinned.pdf';
    const etag = await putFixture(fixtures, { key, body: makePdfBytes('pinned'), contentType: 'application/pdf' });

    // Act
    const unquoted = await inspectObject(config, { bucket: TEST_BUCKET, key, etag });
    const quoted = await inspectObject(config, { bucket: TEST_BUCKET, key, etag: `"${etag}"` });

    // Assess
    expect(unquoted.etag).toBe(etag);
    expect(quoted.etag).toBe(etag);
  });

  it('rejects an object whose ETag changed', async () => {
    // Prepare
    const key = 'rooms/room-1/replaced.pdf';
    const oldEtag = await putFixture(fixtures, { key, body: makePdfBytes('old'), contentType: 'application/pdf' });
    await putFixture(fixtures, { key, body: makePdfBytes('new'), contentType: 'application/pdf' });

    // Act and Assess
    await expectRejection(inspectObject(config, { bucket: TEST_BUCKET, key, etag: oldEtag }), ObjectChangedError, 'S3_OBJECT_CHANGED');
  });

  it('rejects a missing object', async () => {
    // Act
    const error = await expectRejection(
      inspectObject(config, { bucket: TEST_BUCKET, key: 'rooms/room-1/missing.pdf' }),
      ObjectNotFoundError,
      'S3_OBJECT_NOT_FOUND',
    );

    // Assess
    expect(error.facts).toStrictEqual({ bucket: TEST_BUCKET, key: 'rooms/room-1/missing.pdf', httpStatus: 404 });
  });

  it('rejects a bucket outside the allowlist', async () => {
    // Act
    const error = await expectRejection(
      inspectObject(config, { bucket: 'someone-elses-bucket', key: 'rooms/room-1/deck.pdf' }),
      BucketNotAllowedError,
      'BUCKET_NOT_ALLOWED',
    );

    // Assess
    expect(error.message).toContain('ALLOWED_BUCKETS');
    expect(error.facts).toStrictEqual({ bucket: 'someone-elses-bucket' });
  });

  it.each([
    ['an image', 'rooms/room-1/photo.png', 'image/png', Buffer.from('\u0089PNG\r\n\u001a\n')],
    ['an image stored as binary/octet-stream', 'rooms/room-1/photo.jpeg', 'binary/octet-stream', Buffer.from('\u00ff\u00d8\u00ff')],
    ['an archive', 'rooms/room-1/bundle.zip', 'application/zip', Buffer.from('PK\u0003\u0004')],
  ])('rejects %s', async (_case, key, contentType, body) => {
    // Prepare
    await putFixture(fixtures, { key, body, contentType });

    // Act
    const error = await expectRejection(inspectObject(config, { bucket: TEST_BUCKET, key }), UnsupportedFileTypeError, 'UNSUPPORTED_FILE_TYPE');

    // Assess
    expect(error.facts).toStrictEqual({ bucket: TEST_BUCKET, key });
  });

  it('rejects an object over MAX_FILE_BYTES', async () => {
    // Prepare
    const key = 'rooms/room-1/big.pdf';
    await putFixture(fixtures, { key, body: makePdfBytes('big', 200), contentType: 'application/pdf' });
    const smallLimit = makeTestConfig(standIn.endpoint, { MAX_FILE_BYTES: '100' });

    // Act
    const error = await expectRejection(inspectObject(smallLimit, { bucket: TEST_BUCKET, key }), FileTooLargeError, 'FILE_TOO_LARGE');

    // Assess
    expect(error.message).toContain('MAX_FILE_BYTES');
    expect(error.message).toContain('100 bytes');
  });

  it('accepts an object of exactly MAX_FILE_BYTES', async () => {
    // Prepare
    const key = 'rooms/room-1/limit.pdf';
    const body = makePdfBytes('limit');
    await putFixture(fixtures, { key, body, contentType: 'application/pdf' });
    const exactLimit = makeTestConfig(standIn.endpoint, { MAX_FILE_BYTES: String(body.length) });

    // Act
    const info = await inspectObject(exactLimit, { bucket: TEST_BUCKET, key });

    // Assess
    expect(info.size).toBe(body.length);
  });

  it('rejects an empty object', async () => {
    // Prepare
    const key = 'rooms/room-1/empty.pdf';
    await putFixture(fixtures, { key, body: Buffer.alloc(0), contentType: 'application/pdf' });

    // Act and Assess
    await expectRejection(inspectObject(config, { bucket: TEST_BUCKET, key }), EmptyObjectError, 'S3_OBJECT_EMPTY');
  });

  it.each([
    ['a folder placeholder', 'rooms/room-1/'],
    ['an empty key', ''],
    ['a key with a .. segment', 'rooms/room-1/../room-2/deck.pdf'],
    ['a key with a . segment', 'rooms/./deck.pdf'],
  ])('rejects %s without calling S3', async (_case, key) => {
    // Prepare
    const failing = await startFailingEndpoint(500);
    const failingConfig = makeTestConfig(failing.endpoint);

    // Act
    await expectRejection(inspectObject(failingConfig, { bucket: TEST_BUCKET, key }), InvalidInputError, 'INVALID_INPUT');

    // Assess
    expect(failing.requestCount()).toBe(0);
    await failing.stop();
  });

  describe('when S3 fails', () => {
    let denying: FailingEndpoint;
    let unavailable: FailingEndpoint;

    beforeAll(async () => {
      denying = await startFailingEndpoint(403);
      unavailable = await startFailingEndpoint(503);
    });

    afterAll(async () => {
      await denying.stop();
      await unavailable.stop();
    });

    it('rejects with S3AccessDeniedError on 403', async () => {
      // Act
      const error = await expectRejection(
        inspectObject(makeTestConfig(denying.endpoint), { bucket: TEST_BUCKET, key: 'rooms/room-1/deck.pdf' }),
        S3AccessDeniedError,
        'S3_ACCESS_DENIED',
      );

      // Assess
      expect(error.retryable).toBe(false);
      expect(error.facts.httpStatus).toBe(403);
    });

    it('rejects with a retryable S3UnavailableError on 503', async () => {
      // Act
      const error = await expectRejection(
        inspectObject(makeTestConfig(unavailable.endpoint), { bucket: TEST_BUCKET, key: 'rooms/room-1/deck.pdf' }),
        S3UnavailableError,
        'S3_UNAVAILABLE',
      );

      // Assess
      expect(error.retryable).toBe(true);
      expect(error.facts.httpStatus).toBe(503);
    });

    it('rejects with a retryable S3UnavailableError when nothing listens', async () => {
      // Prepare
      const closedConfig = makeTestConfig(await findClosedEndpoint());

      // Act
      const error = await expectRejection(
        inspectObject(closedConfig, { bucket: TEST_BUCKET, key: 'rooms/room-1/deck.pdf' }),
        S3UnavailableError,
        'S3_UNAVAILABLE',
      );

      // Assess
      expect(error.retryable).toBe(true);
    });
  });
});
