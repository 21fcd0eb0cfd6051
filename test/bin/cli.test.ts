import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../lib/hmac';
import { findClosedPort, runCli, startFakeBridgeApi, type FakeBridgeApi } from './cli-process';

const API_KEY = 'cli-test-key';
const API_SECRET = 'cli-test-secret';

let api: FakeBridgeApi;
/** A working directory without `.local/stack.json`. */
let emptyDirectory: string;

beforeAll(async () => {
  api = await startFakeBridgeApi();
  emptyDirectory = await mkdtemp(join(tmpdir(), 'pnm-bridge-cli-'));
});

afterAll(async () => {
  await api?.stop();
  if (emptyDirectory) await rm(emptyDirectory, { recursive: true, force: true });
});

beforeEach(() => {
  api.requests.length = 0;
});

function apiEnv(apiUrl = api.url): Record<string, string> {
  return { PNM_BRIDGE_API_URL: apiUrl, PNM_BRIDGE_API_KEY: API_KEY, PNM_BRIDGE_API_SECRET: API_SECRET };
}

function errorBody(code: string, message: string): Record<string, unknown> {
  return { status: 'error', code, message, retryable: false };
}

describe('pnm-bridge usage', () => {
  it.each([
    [[]],
    [['push']],
    [['push', '--room', 'room-1']],
    [['push', '--key', 'samples/sample.pdf']],
    [['push', '--room', 'room 1', '--key', 'samples/sample.pdf']],
    [['push', '--rom', 'room-1', '--key', 'samples/sample.pdf']],
    [['push', '--room', 'room-1', '--key', 'samples/sample.pdf', 'extra']],
    [['preload', '--room', 'room-1']],
    [['preload', '--room', 'room-1', '--deadline', 'tomorrow', 'samples/sample.pdf']],
    [['frobnicate']],
    [['help', 'frobnicate']],
  ])('exits 2 for %j without a bridge', async (args) => {
    // Act
    const result = await runCli(args, { cwd: emptyDirectory });

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Usage');
    expect(result.stderr).not.toContain('No bridge');
    expect(result.stdout).toBe('');
  });

  it('names the missing option', async () => {
    // Act
    const result = await runCli(['push', '--room', 'room-1'], { cwd: emptyDirectory });

    // Assess
    expect(result.stderr).toContain('Missing --key.');
    expect(result.stderr).toContain('pnm-bridge push --help');
  });

  it.each([
    [['push', '--help'], '--key KEY'],
    [['push', '-h'], '--key KEY'],
    [['preload', '--help'], '--deadline TIME'],
    [['help', 'preload'], '--deadline TIME'],
    [['help'], 'PNM_BRIDGE_API_URL'],
    [['--help'], 'pnm-bridge preload'],
  ])('prints help for %j without a bridge', async (args, expected) => {
    // Act
    const result = await runCli(args, { cwd: emptyDirectory });

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(expected);
    expect(result.stderr).toBe('');
  });

  it('sends nothing on a usage error', async () => {
    // Act
    const result = await runCli(['push', '--room', 'room 1', '--key', 'samples/sample.pdf'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(result.status).toBe(2);
    expect(api.requests).toHaveLength(0);
  });
});

describe('pnm-bridge push', () => {
  it('sends a signed request and prints the delivery', async () => {
    // Prepare
    api.reply({ status: 200, json: { status: 'delivered', filename: 'sample-abc.pdf', uploadMs: 1500 } });

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'samples/sample.pdf', '--bucket', 'uploads'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('Delivered samples/sample.pdf to room room-1 as sample-abc.pdf (1.5 s on the server).\n');
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request?.url).toBe('/rooms/room-1/files');
    expect(JSON.parse(request?.body ?? '')).toStrictEqual({ key: 'samples/sample.pdf', bucket: 'uploads' });
    expect(request?.headers['api-key']).toBe(API_KEY);
    expect(request?.headers['hash-signature']).toBe(hmacSha256Hex(API_SECRET, request?.body ?? ''));
  });

  it('says to check the room after a 202', async () => {
    // Prepare
    api.reply({ status: 202, json: { status: 'accepted', message: 'The server took the file and is still converting it.' } });

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'samples/sample.pdf'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Accepted: The server took the file');
    expect(result.stderr).toContain('Check the room before sending the file again');
  });

  it.each([
    ['FILE_REJECTED', 422, 'sending it again fails the same way'],
    ['SERVER_ERROR', 502, "Check the server's logs"],
    ['NETWORK_ERROR', 502, 'could not reach the plugNmeet server'],
    ['S3_UNAVAILABLE', 503, 'Try again shortly'],
    ['QUEUE_ERROR', 503, 'Try again shortly'],
    ['INVALID_INPUT', 400, 'Fix the value that the message names'],
    ['BUCKET_NOT_ALLOWED', 400, 'ALLOWED_BUCKETS'],
    ['S3_ACCESS_DENIED', 502, 'IAM role'],
    ['S3_OBJECT_EMPTY', 422, 'Upload the file to S3 again'],
    ['PRESENTER_MISSING', 409, 'Let a presenter join'],
    ['UPLOAD_OUTCOME_UNKNOWN', 502, 'Check the room before sending the file again'],
    ['ROOM_BUSY', 409, 'use "preload"'],
  ])('prints %s with what to do next', async (code, status, hint) => {
    // Prepare
    api.reply({ status, json: errorBody(code, `Reason for ${code}.`) });

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'samples/sample.pdf'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Failed: ${code}: Reason for ${code}.\n`);
    expect(result.stderr).toContain(hint);
  });

  it('names HTTP 409 once for a busy room', async () => {
    // Prepare
    const message =
      'Room room-1 is busy: another whiteboard upload is in progress on the plugNmeet server ' +
      '(HTTP 409 CONFLICT: Another whiteboard file upload is already in progress for this room).';
    api.reply({ status: 409, json: errorBody('ROOM_BUSY', message) });

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'samples/sample.pdf'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(result.stderr.match(/HTTP 409/g)).toHaveLength(1);
  });

  it('prints the status of a reply without a code', async () => {
    // Prepare
    api.reply({ status: 503, json: { message: 'Service Unavailable' } });

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'samples/sample.pdf'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Failed: the bridge API returned HTTP 503: Service Unavailable');
    expect(result.stderr).toContain('Check the room before sending the file again');
  });
});

describe('pnm-bridge preload', () => {
  it.each([
    [['samples/sample.pdf'], 'Checking and queueing 1 file for room room-1'],
    [['samples/sample.pdf', 'samples/sample.pptx'], 'Checking and queueing 2 files for room room-1'],
  ])('counts %j in the progress line', async (keys, expected) => {
    // Prepare
    api.reply({ status: 202, json: { preloadId: 'p-1', deadline: '2026-12-05T09:00:00.000Z', accepted: keys.map((key) => ({ key, messageId: 'm' })), rejected: [] } });

    // Act
    const result = await runCli(['preload', '--room', 'room-1', ...keys], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`${expected}…`);
  });

  it('sends the keys in order with the deadline', async () => {
    // Prepare
    api.reply({ status: 202, json: { preloadId: 'p-1', deadline: '2026-12-05T09:00:00.000Z', accepted: [], rejected: [] } });

    // Act
    await runCli(['preload', '--room', 'room-1', '--deadline', '2026-12-05T09:00:00Z', 'b.pdf', 'a.pdf'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(api.requests[0]?.url).toBe('/rooms/room-1/preloads');
    expect(JSON.parse(api.requests[0]?.body ?? '')).toStrictEqual({ keys: ['b.pdf', 'a.pdf'], deadline: '2026-12-05T09:00:00Z' });
  });

  it('lists rejected keys with what to do next', async () => {
    // Prepare
    api.reply({
      status: 202,
      json: {
        preloadId: 'p-2',
        deadline: '2026-12-05T09:00:00.000Z',
        accepted: [{ key: 'a.pdf', messageId: 'm-1' }],
        rejected: [{ key: 'b.pdf', position: 1, code: 'S3_OBJECT_NOT_FOUND', reason: 'No object b.pdf in bucket uploads.' }],
      },
    });

    // Act
    const result = await runCli(['preload', '--room', 'room-1', 'a.pdf', 'b.pdf'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('queued    a.pdf\n');
    expect(result.stdout).toContain('rejected  b.pdf: S3_OBJECT_NOT_FOUND: No object b.pdf in bucket uploads.\n');
    expect(result.stderr).toContain('S3_OBJECT_NOT_FOUND: Check the key');
  });
});

describe('pnm-bridge transport failures', () => {
  it('names the URL variable when a configured bridge refuses', async () => {
    // Prepare
    const port = await findClosedPort();

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'a.pdf'], { cwd: emptyDirectory, env: apiEnv(`http://127.0.0.1:${port}/prod`) });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`The request to the bridge API at http://127.0.0.1:${port} failed: ECONNREFUSED`);
    expect(result.stderr).toContain('Check PNM_BRIDGE_API_URL');
    expect(result.stderr).not.toContain('npm start');
  });

  it('suggests npm start when the stack file names a stopped stack', async () => {
    // Prepare
    const port = await findClosedPort();
    const directory = await mkdtemp(join(tmpdir(), 'pnm-bridge-cli-stack-'));
    const stackPath = join(directory, '.local', 'stack.json');
    await mkdir(join(directory, '.local'));
    await writeFile(stackPath, JSON.stringify({ apiUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY, apiSecret: API_SECRET }));

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'a.pdf'], { cwd: directory });
    await rm(directory, { recursive: true, force: true });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(result.stderr).toContain('"npm start"');
    expect(result.stderr).toContain(stackPath);
  });

  it('prints the cause and origin of a broken connection', async () => {
    // Prepare
    api.reply({ destroySocket: true });

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'a.pdf'], { cwd: emptyDirectory, env: apiEnv(`${api.url}/prod`) });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`The request to the bridge API at ${api.url} failed: UND_ERR_SOCKET: other side closed.`);
    expect(result.stderr).toContain('check the room before sending the file again');
    expect(result.stderr).not.toContain('/prod');
  });

  it('never prints the API secret', async () => {
    // Prepare
    api.reply({ destroySocket: true });

    // Act
    const result = await runCli(['push', '--room', 'room-1', '--key', 'a.pdf'], { cwd: emptyDirectory, env: apiEnv() });

    // Assess
    expect(`${result.stdout}${result.stderr}`).not.toContain(API_SECRET);
  });
});
