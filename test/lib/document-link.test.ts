import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startS3StandIn, type S3StandIn } from '../../infra/local/s3-stand-in';
import type { BridgeConfig } from '../../lib/config';
import { buildContentDisposition } from '../../lib/content-disposition';
import { createDocumentLink, handleLinkRequest, type DocumentLinkSecrets } from '../../lib/document-link';
import { InvalidInputError } from '../../lib/errors';
import { signLinkToken, verifyLinkToken, type LinkClaims } from '../../lib/link-token';
import { inspectObject, type S3ObjectInfo } from '../../lib/s3-object';
import { captureLogs, type LogCapture } from '../helpers/log-capture';
import {
  createFixtureClient,
  deleteFixture,
  findClosedEndpoint,
  makePdfBytes,
  makeTestConfig,
  putFixture,
  sha256Hex,
  TEST_BUCKET,
  TEST_LINK_SIGNING_SECRET,
} from '../helpers/s3-fixtures';

const BASE_URL = 'https://links.example.test/links';
const SECRETS: DocumentLinkSecrets = { linkSigningSecret: TEST_LINK_SIGNING_SECRET };
const ROOM_ID = 'room-1';
const TTL_SECONDS = 600;

let standIn: S3StandIn;
let fixtures: S3Client;
let config: BridgeConfig;
let logs: LogCapture;

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  standIn = await startS3StandIn({ buckets: [TEST_BUCKET] });
  fixtures = createFixtureClient(standIn.endpoint);
  config = makeTestConfig(standIn.endpoint, { LINK_BASE_URL: BASE_URL, LINK_TTL_SECONDS: String(TTL_SECONDS) });
});

afterAll(async () => {
  fixtures.destroy();
  await standIn.stop();
  vi.unstubAllEnvs();
});

beforeEach(() => {
  logs = captureLogs();
});

afterEach(() => {
  logs.restore();
});

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Uploads a PDF under `key` and returns the result of inspectObject together with the bytes. */
async function uploadPdf(key: string, label = key): Promise<{ object: S3ObjectInfo; body: Buffer }> {
  const body = makePdfBytes(label);
  await putFixture(fixtures, { key, body, contentType: 'application/pdf' });
  return { object: await inspectObject(config, { bucket: TEST_BUCKET, key }), body };
}

/** Returns the link path "<token>/<filename>" of a proxy-mode URL. */
function toLinkPath(url: string): string {
  return url.slice(BASE_URL.length + 1);
}

async function makeLinkPath(key: string, deliveryId = 'message-1', now = nowSeconds()): Promise<{ path: string; object: S3ObjectInfo; body: Buffer; filename: string }> {
  const { object, body } = await uploadPdf(key);
  const link = await createDocumentLink(config, SECRETS, object, ROOM_ID, deliveryId, now);
  return { path: toLinkPath(link.url), object, body, filename: link.filename };
}

describe('createDocumentLink', () => {
  it('builds a proxy link from the token and the delivery filename', async () => {
    // Prepare
    const { object } = await uploadPdf('rooms/room-1/Q3 report (final).pdf');
    const now = nowSeconds();

    // Act
    const link = await createDocumentLink(config, SECRETS, object, ROOM_ID, 'message-1', now);

    // Assess
    const [token, encodedFilename, ...rest] = toLinkPath(link.url).split('/');
    expect(rest).toStrictEqual([]);
    expect(link.url.startsWith(`${BASE_URL}/`)).toBe(true);
    expect(link.filename).toMatch(/^Q3 report \(final\)-[a-z2-7]{8}\.pdf$/);
    expect(encodedFilename).toBe(encodeURIComponent(link.filename));
    expect(link.expiresAt).toBe(now + TTL_SECONDS);
    expect(verifyLinkToken(token!, TEST_LINK_SIGNING_SECRET, now)).toStrictEqual({
      bucket: TEST_BUCKET,
      key: object.key,
      etag: object.etag,
      roomId: ROOM_ID,
      deliveryId: 'message-1',
      filename: link.filename,
      contentType: 'application/pdf',
      size: object.size,
      exp: now + TTL_SECONDS,
    });
  });

  it('gives two deliveries of one key distinct filenames and tokens', async () => {
    // Prepare
    const { object } = await uploadPdf('rooms/room-1/twice.pdf');

    // Act
    const first = await createDocumentLink(config, SECRETS, object, ROOM_ID, 'message-1');
    const second = await createDocumentLink(config, SECRETS, object, ROOM_ID, 'message-2');

    // Assess
    expect(first.filename).not.toBe(second.filename);
    expect(toLinkPath(first.url).split('/')[0]).not.toBe(toLinkPath(second.url).split('/')[0]);
  });

  it('rejects an invalid room id', async () => {
    // Prepare
    const { object } = await uploadPdf('rooms/room-1/invalid-room.pdf');

    // Act and Assess
    await expect(createDocumentLink(config, SECRETS, object, 'room 1', 'message-1')).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('returns a presigned URL whose GET carries the disposition in presigned mode', async () => {
    // Prepare
    const presignedConfig = makeTestConfig(standIn.endpoint, { LINK_MODE: 'presigned', PRESIGN_TTL_SECONDS: '90' });
    const { object, body } = await uploadPdf('rooms/room-1/Résumé & notes.pdf');
    const now = nowSeconds();

    // Act
    const link = await createDocumentLink(presignedConfig, SECRETS, object, ROOM_ID, 'message-1', now);
    const response = await fetch(link.url);

    // Assess
    expect(link.url.startsWith(`${standIn.endpoint}/${TEST_BUCKET}/`)).toBe(true);
    expect(new URL(link.url).searchParams.has('x-amz-checksum-mode')).toBe(false);
    expect(link.expiresAt).toBe(now + 90);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(buildContentDisposition(link.filename));
    expect(sha256Hex(new Uint8Array(await response.arrayBuffer()))).toBe(sha256Hex(body));
  });
});

describe('handleLinkRequest', () => {
  it('answers HEAD with the type, length and disposition', async () => {
    // Prepare
    const { path, body, filename } = await makeLinkPath('rooms/room-1/head.pdf');

    // Act
    const response = await handleLinkRequest(config, SECRETS, { method: 'HEAD', path });

    // Assess
    expect(response).toStrictEqual({
      statusCode: 200,
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Length': String(body.length),
        'Content-Disposition': buildContentDisposition(filename),
        'Cache-Control': 'no-store',
      },
      body: '',
    });
  });

  it('redirects GET to a fresh presigned URL that serves the bytes', async () => {
    // Prepare
    const { path, body, filename } = await makeLinkPath('rooms/room-1/get.pdf');

    // Act
    const response = await handleLinkRequest(config, SECRETS, { method: 'GET', path });
    const download = await fetch(response.headers.Location!);

    // Assess
    expect(response.statusCode).toBe(307);
    expect(response.body).toBe('');
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/pdf',
      'Content-Disposition': buildContentDisposition(filename),
      'Cache-Control': 'no-store',
    });
    expect(new URL(response.headers.Location!).searchParams.has('x-amz-checksum-mode')).toBe(false);
    expect(download.headers.get('content-disposition')).toBe(buildContentDisposition(filename));
    expect(sha256Hex(new Uint8Array(await download.arrayBuffer()))).toBe(sha256Hex(body));
  });

  it('accepts a path whose filename is already decoded', async () => {
    // Prepare
    const { path } = await makeLinkPath('rooms/room-1/Präsentation – Q3.pdf');
    const [token, encodedFilename] = path.split('/');

    // Act
    const response = await handleLinkRequest(config, SECRETS, { method: 'HEAD', path: `/${token}/${decodeURIComponent(encodedFilename!)}` });

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it.each([['PUT'], ['POST'], ['DELETE'], ['OPTIONS']])('answers %s with 405', async (method) => {
    // Prepare
    const { path } = await makeLinkPath('rooms/room-1/methods.pdf');

    // Act
    const response = await handleLinkRequest(config, SECRETS, { method, path });

    // Assess
    expect(response).toStrictEqual({ statusCode: 405, headers: { Allow: 'GET, HEAD' }, body: '' });
  });

  describe('answers 403 with an empty body', () => {
    it.each([['HEAD'], ['GET']])('for a %s with a changed token', async (method) => {
      // Prepare
      const { path } = await makeLinkPath('rooms/room-1/tampered.pdf');
      const tampered = `${path[0] === 'e' ? 'f' : 'e'}${path.slice(1)}`;

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method, path: tampered });

      // Assess
      expect(response).toStrictEqual({ statusCode: 403, headers: {}, body: '' });
    });

    it('for an expired token', async () => {
      // Prepare
      const { path } = await makeLinkPath('rooms/room-1/expired.pdf', 'message-1', nowSeconds() - 2 * TTL_SECONDS);

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method: 'GET', path });

      // Assess
      expect(response).toStrictEqual({ statusCode: 403, headers: {}, body: '' });
    });

    it('for a token signed with another secret', async () => {
      // Prepare
      const { path } = await makeLinkPath('rooms/room-1/other-secret.pdf');

      // Act
      const response = await handleLinkRequest(config, { linkSigningSecret: 'another-secret' }, { method: 'HEAD', path });

      // Assess
      expect(response).toStrictEqual({ statusCode: 403, headers: {}, body: '' });
    });

    it("for a token replayed under another link's filename", async () => {
      // Prepare
      const first = await makeLinkPath('rooms/room-1/first.pdf');
      const second = await makeLinkPath('rooms/room-1/second.pdf');
      const [firstToken] = first.path.split('/');
      const [, secondFilename] = second.path.split('/');

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method: 'GET', path: `${firstToken}/${secondFilename}` });

      // Assess
      expect(response).toStrictEqual({ statusCode: 403, headers: {}, body: '' });
    });

    it.each([
      ['no filename', (token: string) => token],
      ['an empty filename', (token: string) => `${token}/`],
      ['an extra segment', (token: string, filename: string) => `${token}/x/${filename}`],
      ['no token', (_token: string, filename: string) => `/${filename}`],
    ])('for a path with %s', async (_case, buildPath) => {
      // Prepare
      const { path } = await makeLinkPath('rooms/room-1/shapes.pdf');
      const [token, filename] = path.split('/');

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method: 'HEAD', path: buildPath(token!, filename!) });

      // Assess
      expect(response).toStrictEqual({ statusCode: 403, headers: {}, body: '' });
    });
  });

  describe('answers 404 with an empty body', () => {
    it.each([['HEAD'], ['GET']])('for a %s after the object was replaced', async (method) => {
      // Prepare
      const key = 'rooms/room-1/replaced.pdf';
      const { path } = await makeLinkPath(key);
      // Same size, other bytes: only the ETag distinguishes the objects.
      await putFixture(fixtures, { key, body: makePdfBytes(key.toUpperCase()), contentType: 'application/pdf' });

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method, path });

      // Assess
      expect(response).toStrictEqual({ statusCode: 404, headers: {}, body: '' });
    });

    it('after the object was deleted', async () => {
      // Prepare
      const key = 'rooms/room-1/deleted.pdf';
      const { path } = await makeLinkPath(key);
      await deleteFixture(fixtures, key);

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method: 'GET', path });

      // Assess
      expect(response).toStrictEqual({ statusCode: 404, headers: {}, body: '' });
    });

    it('when a token without ETag names another size', async () => {
      // Prepare
      const { object } = await uploadPdf('rooms/room-1/resized.pdf');
      const claims: LinkClaims = {
        bucket: TEST_BUCKET,
        key: object.key,
        roomId: ROOM_ID,
        deliveryId: 'message-1',
        filename: 'resized-aaaaaaaa.pdf',
        contentType: 'application/pdf',
        size: object.size + 1,
        exp: nowSeconds() + TTL_SECONDS,
      };
      const path = `${signLinkToken(claims, TEST_LINK_SIGNING_SECRET)}/resized-aaaaaaaa.pdf`;

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method: 'HEAD', path });

      // Assess
      expect(response).toStrictEqual({ statusCode: 404, headers: {}, body: '' });
    });

    it('when the bucket is no longer allowed', async () => {
      // Prepare
      const { path } = await makeLinkPath('rooms/room-1/bucket-removed.pdf');
      const narrowed = makeTestConfig(standIn.endpoint, { ALLOWED_BUCKETS: 'other-bucket', LINK_BASE_URL: BASE_URL });

      // Act
      const response = await handleLinkRequest(narrowed, SECRETS, { method: 'HEAD', path });

      // Assess
      expect(response).toStrictEqual({ statusCode: 404, headers: {}, body: '' });
    });
  });

  it('answers 503 when S3 cannot be reached', async () => {
    // Prepare
    const { path } = await makeLinkPath('rooms/room-1/unreachable.pdf');
    const unreachable = makeTestConfig(await findClosedEndpoint(), { LINK_BASE_URL: BASE_URL });

    // Act
    const response = await handleLinkRequest(unreachable, SECRETS, { method: 'HEAD', path });

    // Assess
    expect(response).toStrictEqual({ statusCode: 503, headers: {}, body: '' });
  });

  describe('onDownload hook', () => {
    it('runs once with the claims before a GET is redirected', async () => {
      // Prepare
      const { path, object, filename } = await makeLinkPath('rooms/room-1/hooked.pdf');
      const onDownload = vi.fn(async (_claims: LinkClaims) => undefined);

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method: 'GET', path }, { onDownload });

      // Assess
      expect(response.statusCode).toBe(307);
      expect(onDownload).toHaveBeenCalledTimes(1);
      expect(onDownload.mock.calls[0]![0]).toMatchObject({ bucket: TEST_BUCKET, key: object.key, roomId: ROOM_ID, deliveryId: 'message-1', filename });
    });

    it('does not run for HEAD', async () => {
      // Prepare
      const { path } = await makeLinkPath('rooms/room-1/hooked-head.pdf');
      const onDownload = vi.fn(async (_claims: LinkClaims) => undefined);

      // Act
      await handleLinkRequest(config, SECRETS, { method: 'HEAD', path }, { onDownload });

      // Assess
      expect(onDownload).not.toHaveBeenCalled();
    });

    it('still redirects and logs the error when the hook throws', async () => {
      // Prepare
      const { path } = await makeLinkPath('rooms/room-1/hook-fails.pdf');
      const onDownload = vi.fn(async () => {
        throw new Error('state bucket unavailable');
      });

      // Act
      const response = await handleLinkRequest(config, SECRETS, { method: 'GET', path }, { onDownload });

      // Assess
      expect(response.statusCode).toBe(307);
      const hookEntry = logs.entries().find((entry) => entry.message === 'download hook failed');
      expect(hookEntry).toMatchObject({ level: 'ERROR', error: { message: 'state bucket unavailable' }, roomId: ROOM_ID, deliveryId: 'message-1' });
    });
  });

  describe('logging', () => {
    it('writes one INFO line per request with the delivery fields', async () => {
      // Prepare
      const { path, object } = await makeLinkPath('rooms/room-1/logged.pdf', 'message-7');

      // Act
      await handleLinkRequest(config, SECRETS, { method: 'HEAD', path });

      // Assess
      const infoEntries = logs.entries().filter((entry) => entry.level === 'INFO');
      expect(infoEntries).toHaveLength(1);
      expect(infoEntries[0]).toMatchObject({
        message: 'link request served',
        roomId: ROOM_ID,
        bucket: TEST_BUCKET,
        key: object.key,
        deliveryId: 'message-7',
        method: 'HEAD',
        statusCode: 200,
      });
    });

    it('logs a rejected token as a warning and the request without delivery fields', async () => {
      // Act
      await handleLinkRequest(config, SECRETS, { method: 'GET', path: `not-a-token/file.pdf` });

      // Assess
      const entries = logs.entries();
      expect(entries.filter((entry) => entry.level === 'WARN').map((entry) => entry.message)).toStrictEqual(['link token rejected']);
      const infoEntries = entries.filter((entry) => entry.level === 'INFO');
      expect(infoEntries).toHaveLength(1);
      expect(infoEntries[0]).toMatchObject({ method: 'GET', statusCode: 403 });
      expect(infoEntries[0]).not.toHaveProperty('key');
    });

    it('never writes the token, the presigned URL or its signature', async () => {
      // Prepare
      const { path } = await makeLinkPath('rooms/room-1/secret-free.pdf');
      const [token] = path.split('/');
      const expired = await makeLinkPath('rooms/room-1/secret-free-expired.pdf', 'message-2', nowSeconds() - 2 * TTL_SECONDS);

      // Act
      await handleLinkRequest(config, SECRETS, { method: 'HEAD', path });
      const redirect = await handleLinkRequest(config, SECRETS, { method: 'GET', path });
      await handleLinkRequest(config, SECRETS, { method: 'GET', path: expired.path });

      // Assess
      const location = new URL(redirect.headers.Location!);
      const written = logs.text();
      expect(written).not.toContain(token);
      expect(written).not.toContain(token!.split('.')[1]);
      expect(written).not.toContain(expired.path.split('/')[0]);
      expect(written).not.toContain(location.searchParams.get('X-Amz-Signature'));
      expect(written).not.toContain(location.search);
      expect(written).not.toContain(TEST_LINK_SIGNING_SECRET);
    });
  });
});
