import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import { readSample, startTestStack, type TestStack } from '../helpers/local-stack';

// The push route end to end: HTTP API stand-in → push function → link function → S3 stand-in,
// with the plugNmeet simulator as the server.
let stack: TestStack;
let simulator: PlugnmeetSimulator;

beforeAll(async () => {
  stack = await startTestStack({ settings: { PUSH_WAIT_MS: '1500', MAX_FILE_BYTES: '200000' } });
  simulator = stack.simulator as PlugnmeetSimulator;
  simulator.createRoom('push-room');
  await stack.putSample('files/sample.pdf', 'sample.pdf');
  await stack.putSample('files/sample.docx', 'sample.docx');
  await stack.putSample('files/photo.png', 'photo.png');
});

afterAll(async () => {
  await stack?.stop();
});

async function rawPost(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${stack.description.apiUrl}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

describe('POST /rooms/{roomId}/files', () => {
  it('delivers a file and answers 200 with its name on the server', async () => {
    // Act
    const response = await stack.api('/rooms/push-room/files', { key: 'files/sample.pdf' });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'delivered', roomId: 'push-room', bucket: 'uploads', key: 'files/sample.pdf' });
    const upload = simulator.uploads.at(-1);
    expect(upload?.httpStatus).toBe(200);
    expect(upload?.filename).toBe((response.body as { filename: string }).filename);
    // The server's HEAD, grab's HEAD, grab's GET of the link (a redirect), then its GET of the presigned URL.
    expect(upload?.linkRequests.map((request) => `${request.method} ${request.userAgent} ${request.status}`)).toStrictEqual([
      'HEAD Go-http-client/1.1 200',
      'HEAD grab 200',
      'GET grab 307',
      'GET grab 200',
    ]);
  });

  it('gives the same key two distinct names when delivered twice', async () => {
    // Act
    const first = await stack.api('/rooms/push-room/files', { key: 'files/sample.docx' });
    const second = await stack.api('/rooms/push-room/files', { key: 'files/sample.docx' });

    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect((first.body as { filename: string }).filename).not.toBe((second.body as { filename: string }).filename);
    expect(simulator.counters.staleReuses).toBe(0);
  });

  it.each([
    ['spaces and unicode', 'files/Mé slides été (1).pdf'],
    ['a plus and a percent', 'files/C++ 100% final.pdf'],
    ['reserved URL characters', "files/R&D #3 ? it's=done.pdf"],
    ['NFD unicode', 'files/Pre\u0301sentation.pdf'],
  ])('delivers a key with %s', async (_case, key) => {
    // Prepare
    await stack.putObject(key, await readSample('sample.pdf'), 'application/pdf');

    // Act
    const response = await stack.api('/rooms/push-room/files', { key });

    // Assess
    expect(response.status).toBe(200);
    expect(simulator.uploads.at(-1)?.detectedType).toBe('pdf');
  });

  it('delivers an object stored as binary/octet-stream without crashing the server', async () => {
    // Prepare
    await stack.putObject('files/untyped.pdf', await readSample('sample.pdf'), 'binary/octet-stream');

    // Act
    const response = await stack.api('/rooms/push-room/files', { key: 'files/untyped.pdf' });

    // Assess
    expect(response.status).toBe(200);
    expect(simulator.uploads.at(-1)?.linkRequests[0]?.contentType).toBe('application/pdf');
    expect(simulator.counters.crashes).toBe(0);
  });

  it('answers 400 for an invalid room id, naming the rule', async () => {
    const response = await stack.api('/rooms/bad%20room/files', { key: 'files/sample.pdf' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('answers 400 for an unknown field', async () => {
    const response = await stack.api('/rooms/push-room/files', { Key: 'files/sample.pdf' });
    expect(response.status).toBe(400);
    expect((response.body as { message: string }).message).toContain('"Key"');
  });

  it('answers 401 for an uppercase signature', async () => {
    // Prepare
    const body = JSON.stringify({ key: 'files/sample.pdf' });
    const signature = createHmac('sha256', stack.description.apiSecret).update(body).digest('hex').toUpperCase();

    // Act
    const response = await rawPost('/rooms/push-room/files', body, { 'API-KEY': stack.description.apiKey, 'HASH-SIGNATURE': signature });

    // Assess
    expect(response.status).toBe(401);
  });

  it('answers 404 for a missing object before any upload call', async () => {
    // Prepare
    const requestsBefore = simulator.counters.uploadRequests;

    // Act
    const response = await stack.api('/rooms/push-room/files', { key: 'files/nothing-here.pdf' });

    // Assess
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'S3_OBJECT_NOT_FOUND' });
    expect(simulator.counters.uploadRequests).toBe(requestsBefore);
  });

  it('answers 404 for a room that does not exist', async () => {
    const response = await stack.api('/rooms/no-such-room/files', { key: 'files/sample.pdf' });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'ROOM_NOT_FOUND' });
  });

  it('answers 409 with Retry-After while the room is busy', async () => {
    // Prepare
    simulator.holdLock('push-room', 60_000);

    // Act
    const response = await stack.api('/rooms/push-room/files', { key: 'files/sample.pdf' });
    simulator.releaseLock('push-room');

    // Assess
    expect(response.status).toBe(409);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('answers 422 for an image before any upload call', async () => {
    // Prepare
    const requestsBefore = simulator.counters.uploadRequests;

    // Act
    const response = await stack.api('/rooms/push-room/files', { key: 'files/photo.png' });

    // Assess
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE' });
    expect(simulator.counters.uploadRequests).toBe(requestsBefore);
  });

  it('answers 422 for a file over the size limit before any upload call', async () => {
    // Prepare
    await stack.putObject('files/big.pdf', Buffer.concat([await readSample('sample.pdf'), Buffer.alloc(250_000)]), 'application/pdf');
    const requestsBefore = simulator.counters.uploadRequests;

    // Act
    const response = await stack.api('/rooms/push-room/files', { key: 'files/big.pdf' });

    // Assess
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(simulator.counters.uploadRequests).toBe(requestsBefore);
  });

  it('answers 502 when the server fails', async () => {
    // Prepare
    simulator.injectFault({ kind: 'status', status: 500, roomId: 'push-room' });

    // Act
    const response = await stack.api('/rooms/push-room/files', { key: 'files/sample.pdf' });

    // Assess
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ code: 'SERVER_ERROR', retryable: true });
  });

  it('answers 202 when the conversion outlasts the route budget', async () => {
    // Prepare
    simulator.injectFault({ kind: 'slow-conversion', extraMs: 3_000, roomId: 'push-room' });

    // Act
    const response = await stack.api('/rooms/push-room/files', { key: 'files/sample.pdf' });
    await simulator.waitForUploads(simulator.uploads.length + 1, 10_000).catch(() => undefined);

    // Assess
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'accepted' });
  });

  it('never crashed the simulator', () => {
    expect(simulator.counters.crashes).toBe(0);
    expect(simulator.counters.staleReuses).toBe(0);
  });
});
