import type { S3Client } from '@aws-sdk/client-s3';
import { createLocalContext } from '../../infra/local/lambda-context';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLinkHandler, handler } from '../../functions/link';
import { startS3StandIn, type S3StandIn } from '../../infra/local/s3-stand-in';
import { getConfig, resetConfig, type BridgeConfig } from '../../lib/config';
import { buildContentDisposition } from '../../lib/content-disposition';
import { createDocumentLink } from '../../lib/document-link';
import type { LinkClaims } from '../../lib/link-token';
import { inspectObject } from '../../lib/s3-object';
import { startLinkServer, type LinkServer } from '../helpers/link-server';
import { captureLogs, type LogCapture } from '../helpers/log-capture';
import {
  createFixtureClient,
  makeBridgeEnv,
  makePdfBytes,
  makeTestConfig,
  putFixture,
  sha256Hex,
  TEST_BUCKET,
  TEST_LINK_SIGNING_SECRET,
} from '../helpers/s3-fixtures';

const ROOM_ID = 'room-1';
const PPTX_MIME = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

let standIn: S3StandIn;
let fixtures: S3Client;
let server: LinkServer;
let logs: LogCapture;
let deliveryCount = 0;

beforeAll(async () => {
  // Keeps the one-line-per-request logs out of the test output; lib/document-link tests check them.
  logs = captureLogs();
  standIn = await startS3StandIn({ buckets: [TEST_BUCKET] });
  fixtures = createFixtureClient(standIn.endpoint);
  server = await startLinkServer((event) => handler(event, createLocalContext('link')));
  const env = makeBridgeEnv(standIn.endpoint, { LINK_BASE_URL: server.baseUrl, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  resetConfig();
});

afterAll(async () => {
  logs.restore();
  await server.stop();
  fixtures.destroy();
  await standIn.stop();
  vi.unstubAllEnvs();
  resetConfig();
});

/** Uploads `body` under `key` and makes a document link for a new delivery of it. */
async function deliver(key: string, body: Buffer, contentType = 'application/pdf', config: BridgeConfig = getConfig()): Promise<{ url: string; filename: string }> {
  await putFixture(fixtures, { key, body, contentType });
  const object = await inspectObject(config, { bucket: TEST_BUCKET, key });
  deliveryCount += 1;
  return createDocumentLink(config, { linkSigningSecret: TEST_LINK_SIGNING_SECRET }, object, ROOM_ID, `message-${deliveryCount}`);
}

async function readSha256(response: Response): Promise<string> {
  return sha256Hex(new Uint8Array(await response.arrayBuffer()));
}

describe('link handler over HTTP', () => {
  it.each([
    ['spaces', 'rooms/room-1/Q3 slides final.pdf'],
    ['NFC unicode', 'rooms/room-1/Pr\u00e4sentation \u2013 Q3.pdf'],
    ['NFD unicode', 'rooms/room-1/Pra\u0308sentation \u2013 Q3.pdf'],
    ['plus signs', 'rooms/room-1/C++ notes+v2.pdf'],
    ['a percent sign', 'rooms/room-1/100% done.pdf'],
    ['an ampersand', 'rooms/room-1/R&D = plan.pdf'],
    ['a hash', 'rooms/room-1/issue #42.pdf'],
    ['a question mark', 'rooms/room-1/what?.pdf'],
    ['parentheses', 'rooms/room-1/deck (final).pdf'],
    ['an apostrophe', "rooms/room-1/it's here.pdf"],
    ['special characters in the folder', 'rooms/r#1 & co?/a+b=c (1).pdf'],
  ])('serves a key with %s: HEAD, then a redirect to the same bytes', async (_case, key) => {
    // Prepare
    const body = makePdfBytes(key);
    const link = await deliver(key, body);

    // Act
    const head = await fetch(link.url, { method: 'HEAD' });
    const redirect = await fetch(link.url, { redirect: 'manual' });
    const download = await fetch(redirect.headers.get('location')!);

    // Assess
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/pdf');
    expect(head.headers.get('content-length')).toBe(String(body.length));
    expect(head.headers.get('content-disposition')).toBe(buildContentDisposition(link.filename));
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(redirect.status).toBe(307);
    expect(await redirect.text()).toBe('');
    expect(download.status).toBe(200);
    expect(await readSha256(download)).toBe(sha256Hex(body));
  });

  it('serves the NFC and the NFD key as two objects', async () => {
    // Prepare
    const nfcBody = makePdfBytes('composed');
    const nfdBody = makePdfBytes('decomposed');
    const nfcLink = await deliver('rooms/room-1/R\u00e9sum\u00e9.pdf', nfcBody);
    const nfdLink = await deliver('rooms/room-1/Re\u0301sume\u0301.pdf', nfdBody);

    // Act
    const nfcDownload = await fetch(nfcLink.url);
    const nfdDownload = await fetch(nfdLink.url);

    // Assess
    expect(await readSha256(nfcDownload)).toBe(sha256Hex(nfcBody));
    expect(await readSha256(nfdDownload)).toBe(sha256Hex(nfdBody));
  });

  it('answers HEAD with the type from the extension when S3 stores binary/octet-stream', async () => {
    // Prepare
    const link = await deliver('rooms/room-1/deck.pptx', Buffer.from('PK\u0003\u0004 slides'), 'binary/octet-stream');

    // Act
    const head = await fetch(link.url, { method: 'HEAD' });
    const download = await fetch(link.url);

    // Assess
    expect(head.headers.get('content-type')).toBe(PPTX_MIME);
    expect(download.headers.get('content-type')).toBe(PPTX_MIME);
    expect(download.headers.get('content-disposition')).toBe(buildContentDisposition(link.filename));
  });

  it('serves the server\'s HEAD, HEAD, GET sequence', async () => {
    // Prepare
    const body = makePdfBytes('sequence', 4096);
    const link = await deliver('rooms/room-1/sequence.pdf', body);

    // Act
    const validation = await fetch(link.url, { method: 'HEAD', headers: { 'User-Agent': 'Go-http-client/1.1' } });
    const probe = await fetch(link.url, { method: 'HEAD', headers: { 'User-Agent': 'grab' } });
    const download = await fetch(link.url, { headers: { 'User-Agent': 'grab' } });

    // Assess
    expect(validation.status).toBe(200);
    expect(probe.status).toBe(200);
    expect(download.status).toBe(200);
    expect(await readSha256(download)).toBe(sha256Hex(body));
  });

  it('answers a changed token with 403 and an empty body', async () => {
    // Prepare
    const link = await deliver('rooms/room-1/forged.pdf', makePdfBytes('forged'));
    const tokenStart = server.baseUrl.length + 1;
    const forged = `${link.url.slice(0, tokenStart)}${link.url[tokenStart] === 'e' ? 'f' : 'e'}${link.url.slice(tokenStart + 1)}`;

    // Act
    const response = await fetch(forged);

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('');
  });

  it('answers POST with 405 and the allowed methods', async () => {
    // Prepare
    const link = await deliver('rooms/room-1/post.pdf', makePdfBytes('post'));

    // Act
    const response = await fetch(link.url, { method: 'POST', body: 'x' });

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves links when the path reaches it percent-encoded', async () => {
    // Prepare
    const rawServer = await startLinkServer(createLinkHandler({ getConfig: () => rawConfig }), 'raw');
    const rawConfig = makeTestConfig(standIn.endpoint, { LINK_BASE_URL: rawServer.baseUrl });
    const body = makePdfBytes('raw path');
    const link = await deliver('rooms/room-1/Präsentation (raw) & more.pdf', body, 'application/pdf', rawConfig);

    // Act
    const head = await fetch(link.url, { method: 'HEAD' });
    const download = await fetch(link.url);
    await rawServer.stop();

    // Assess
    expect(rawServer.requests()[0]).toContain('%20');
    expect(head.status).toBe(200);
    expect(await readSha256(download)).toBe(sha256Hex(body));
  });
});

describe('createLinkHandler', () => {
  it('calls the onDownload hook once per GET, not for HEAD', async () => {
    // Prepare
    const onDownload = vi.fn(async (_claims: LinkClaims) => undefined);
    const hookedServer = await startLinkServer(createLinkHandler({ getConfig: () => hookedConfig, onDownload }));
    const hookedConfig = makeTestConfig(standIn.endpoint, { LINK_BASE_URL: hookedServer.baseUrl });
    const link = await deliver('rooms/room-1/hooked.pdf', makePdfBytes('hooked'), 'application/pdf', hookedConfig);

    // Act
    await fetch(link.url, { method: 'HEAD' });
    const download = await fetch(link.url);
    await hookedServer.stop();

    // Assess
    expect(download.status).toBe(200);
    expect(onDownload).toHaveBeenCalledTimes(1);
    expect(onDownload.mock.calls[0]![0]).toMatchObject({ roomId: ROOM_ID, key: 'rooms/room-1/hooked.pdf', filename: link.filename });
  });
});
