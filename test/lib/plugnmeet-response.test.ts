import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  FileRejectedError,
  InvalidInputError,
  NetworkError,
  RoomNotActiveError,
  ServerAuthError,
  ServerError,
  UploadOutcomeUnknownError,
} from '../../lib/errors';
import { logger } from '../../lib/logger';
import { createPlugnmeetClient, type PlugnmeetClient } from '../../lib/plugnmeet-client';
import { assertUploadDelivered, parseServerReply, redactUrls } from '../../lib/plugnmeet-response';
import { catchError, findClosedPort, sendJson, startCannedServer, type CannedServer } from './plugnmeet-fixtures';

/**
 * The client against a canned local server, for the responses and transport failures the plugNmeet
 * simulator does not produce, and for the exact bytes the client sends.
 */

const API_KEY = 'canned-api-key';
const API_SECRET = 'canned-api-secret-0123456789';
const ROOM_ID = 'room-canned_1';
const LINK = 'http://127.0.0.1:9/files/deck.pdf?token=link-token-abc';

let server: CannedServer;
let client: PlugnmeetClient;

function createClient(serverUrl = server.url): PlugnmeetClient {
  return createPlugnmeetClient({ serverUrl, apiKey: API_KEY, apiSecret: API_SECRET, uploadTimeoutMs: 5_000, apiTimeoutMs: 5_000 });
}

function participant(identity: string, metadata: string | undefined): Record<string, unknown> {
  return { sid: `PA_${identity}`, identity, name: `Name ${identity}`, state: 'ACTIVE', joined_at: '1767225600', metadata };
}

beforeAll(async () => {
  server = await startCannedServer();
  client = createClient();
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  server.requests.length = 0;
  vi.restoreAllMocks();
});

describe('plugNmeet request signing', () => {
  it('signs the upload over the Room-Id value in lowercase hex', async () => {
    // Prepare
    server.respondWith((response) => sendJson(response, 200, '{"status":true,"msg":"file uploaded successfully","status_code":"SUCCESS"}'));
    const expectedSignature = createHmac('sha256', Buffer.from(API_SECRET, 'utf8')).update(Buffer.from(ROOM_ID, 'utf8')).digest('hex');

    // Act
    await client.uploadWhiteboardFile(ROOM_ID, LINK);

    // Assess
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/auth/room/uploadWhiteboardFile');
    expect(request?.headers['api-key']).toBe(API_KEY);
    expect(request?.headers['room-id']).toBe(ROOM_ID);
    expect(request?.headers['hash-signature']).toBe(expectedSignature);
    expect(request?.headers['hash-signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sends the link as the only multipart field', async () => {
    // Prepare
    server.respondWith((response) => sendJson(response, 200, '{"status":true,"msg":"file uploaded successfully","status_code":"SUCCESS"}'));

    // Act
    await client.uploadWhiteboardFile(ROOM_ID, LINK);

    // Assess
    const [request] = server.requests;
    const contentType = request?.headers['content-type'] ?? '';
    // The server's multipart check is a case-sensitive substring match.
    expect(contentType).toContain('multipart/form-data');
    const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
    expect(boundary).toBeDefined();
    const body = request?.body.toString('utf8') ?? '';
    expect(body.split(`--${boundary}`)).toHaveLength(3);
    expect(body).toContain('Content-Disposition: form-data; name="document_link"');
    expect(body).toContain(`\r\n\r\n${LINK}\r\n`);
  });

  it('signs a JSON call over the exact body bytes sent', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 200, '{"status":true,"msg":"room is active","status_code":"SUCCESS","is_active":true}'),
    );

    // Act
    await client.isRoomActive(ROOM_ID);

    // Assess
    const [request] = server.requests;
    expect(request?.path).toBe('/auth/room/isRoomActive');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body.toString('utf8')).toBe(`{"room_id":"${ROOM_ID}"}`);
    const expectedSignature = createHmac('sha256', API_SECRET).update(request?.body ?? Buffer.alloc(0)).digest('hex');
    expect(request?.headers['hash-signature']).toBe(expectedSignature);
  });

  it('sends nothing for an invalid room id', async () => {
    // Act
    const error = await catchError(client.uploadWhiteboardFile('room/../other', LINK));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(server.requests).toHaveLength(0);
  });

  it('sends nothing for a link that is not http(s)', async () => {
    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, 'ftp://127.0.0.1/deck.pdf'));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).not.toContain('127.0.0.1');
    expect(server.requests).toHaveLength(0);
  });
});

describe('plugNmeet upload response mapping', () => {
  it('accepts protojson with any whitespace', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 200, '{\n  "status":  true,\n  "msg": "file uploaded successfully",\n  "status_code":"SUCCESS"\n}\n'),
    );

    // Act
    const delivered = await client.uploadWhiteboardFile(ROOM_ID, LINK);

    // Assess
    expect(delivered.outcome).toBe('delivered');
    expect(delivered.httpStatus).toBe(200);
    expect(delivered.message).toBe('file uploaded successfully');
    expect(delivered.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('maps a link-path conversion failure to FileRejectedError', async () => {
    // Prepare
    const message = 'conversion/broadcast failed: failed to convert file to PDF';
    server.respondWith((response) =>
      sendJson(response, 400, `{"msg":"${message}","status":false,"status_code":"INTERNAL_SERVER_ERROR"}`, 'application/json; charset=utf-8'),
    );

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).retryable).toBe(false);
    expect((error as FileRejectedError).facts).toStrictEqual({
      roomId: ROOM_ID,
      httpStatus: 400,
      upstreamCode: 'INTERNAL_SERVER_ERROR',
      upstreamMessage: message,
    });
  });

  it('maps the text/plain 413 to FileRejectedError', async () => {
    // Prepare
    server.respondWith((response) => {
      response.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Request Entity Too Large');
    });

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).facts).toStrictEqual({
      roomId: ROOM_ID,
      httpStatus: 413,
      upstreamCode: undefined,
      upstreamMessage: 'Request Entity Too Large',
    });
  });

  it('maps the JSON 413 to FileRejectedError', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 413, '{"msg":"Request Entity Too Large","status":false,"status_code":"INVALID_PARAMETERS"}'),
    );

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).facts.upstreamCode).toBe('INVALID_PARAMETERS');
  });

  it('maps ROOM_NOT_ACTIVE to RoomNotActiveError', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 400, '{"msg":"room is not active","status":false,"status_code":"ROOM_NOT_ACTIVE"}', 'application/json; charset=utf-8'),
    );

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(RoomNotActiveError);
    expect((error as RoomNotActiveError).code).toBe('ROOM_NOT_ACTIVE');
  });

  it('maps the NATS error 400 to a retryable ServerError', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 400, '{"msg":"error getting room info from NATS","status":false,"status_code":"INTERNAL_SERVER_ERROR"}'),
    );

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retryable).toBe(true);
  });

  it('maps the lock 500 to a retryable ServerError', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 500, '{"msg":"failed to acquire lock","status":false,"status_code":"INTERNAL_SERVER_ERROR"}'),
    );

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retryable).toBe(true);
    expect((error as ServerError).facts).toStrictEqual({
      roomId: ROOM_ID,
      httpStatus: 500,
      upstreamCode: 'INTERNAL_SERVER_ERROR',
      upstreamMessage: 'failed to acquire lock',
    });
  });

  it('maps the catch-all 404 to ServerError naming the URL setting', async () => {
    // Prepare
    server.respondWith((response) => {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not found');
    });

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).message).toContain('PLUGNMEET_SERVER_URL');
    expect((error as ServerError).facts.upstreamMessage).toBe('not found');
  });

  it('maps a redirect to ServerError without following it', async () => {
    // Prepare
    server.respondWith((response) => {
      response.writeHead(301, { Location: `${server.url}/elsewhere` });
      response.end();
    });

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).message).toContain('PLUGNMEET_SERVER_URL');
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 200 without a JSON body to ServerError', async () => {
    // Prepare
    server.respondWith((response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html><body>Welcome</body></html>');
    });

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).facts.httpStatus).toBe(200);
  });

  it('maps the 401 to ServerAuthError naming both settings', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 401, '{"status":false,"msg":"Invalid API key provided.","status_code":"INVALID_API_KEY"}'),
    );

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(ServerAuthError);
    expect((error as ServerAuthError).retryable).toBe(false);
    expect((error as ServerAuthError).message).toContain('PLUGNMEET_API_KEY');
    expect((error as ServerAuthError).message).toContain('PLUGNMEET_API_SECRET');
    expect((error as ServerAuthError).facts.upstreamCode).toBe('INVALID_API_KEY');
  });
});

describe('plugNmeet transport failures', () => {
  it('maps a refused connection to NetworkError', async () => {
    // Prepare
    const closedClient = createClient(`http://127.0.0.1:${await findClosedPort()}`);

    // Act
    const error = await catchError(closedClient.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).retryable).toBe(true);
    expect((error as NetworkError).message).toContain('ECONNREFUSED');
  });

  it('maps a reset after the upload request to UploadOutcomeUnknownError', async () => {
    // Prepare
    server.respondWith((response) => response.socket?.resetAndDestroy());

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(UploadOutcomeUnknownError);
    expect((error as UploadOutcomeUnknownError).retryable).toBe(false);
  });

  it('maps a body cut off after the headers to UploadOutcomeUnknownError', async () => {
    // Prepare
    server.respondWith((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 100 });
      response.write('{"status":tr');
      setImmediate(() => response.socket?.destroy());
    });

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    expect(error).toBeInstanceOf(UploadOutcomeUnknownError);
  });

  it('maps a reset after a JSON call to NetworkError', async () => {
    // Prepare
    server.respondWith((response) => response.socket?.resetAndDestroy());

    // Act
    const error = await catchError(client.isRoomActive(ROOM_ID));

    // Assess
    expect(error).toBeInstanceOf(NetworkError);
  });

  it('opens a new connection for every request', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 200, '{"status":true,"msg":"room is active","status_code":"SUCCESS","is_active":true}'),
    );

    // Act
    await client.isRoomActive(ROOM_ID);
    await client.isRoomActive(ROOM_ID);

    // Assess
    expect(server.requests.map((request) => request.headers.connection)).toStrictEqual(['close', 'close']);
    const [first, second] = server.requests;
    expect(first?.remotePort).not.toBe(second?.remotePort);
  });
});

describe('plugNmeet room API parsing', () => {
  it('reads presenter flags and tolerates bad metadata', async () => {
    // Prepare
    const room = {
      room_info: { room_title: 'Maths', room_id: ROOM_ID, sid: 'RM_x1', joined_participants: '3', is_running: 1, creation_time: '1767225600' },
      participants_info: [
        participant('teacher', '{"is_admin":true,"is_presenter":true}'),
        participant('broken', '{not json'),
        participant('student', '{"is_admin":false,"is_presenter":false}'),
        participant('bare', undefined),
        { name: 'no identity' },
      ],
    };
    server.respondWith((response) =>
      sendJson(response, 200, JSON.stringify({ status: true, msg: 'success', status_code: 'SUCCESS', room }, null, 1)),
    );

    // Act
    const info = await client.getActiveRoomInfo(ROOM_ID);

    // Assess
    expect(info).toStrictEqual({
      roomId: ROOM_ID,
      sid: 'RM_x1',
      isRunning: true,
      hasPresenter: true,
      participants: [
        { identity: 'teacher', name: 'Name teacher', isPresenter: true, isAdmin: true },
        { identity: 'broken', name: 'Name broken', isPresenter: false, isAdmin: false },
        { identity: 'student', name: 'Name student', isPresenter: false, isAdmin: false },
        { identity: 'bare', name: 'Name bare', isPresenter: false, isAdmin: false },
      ],
    });
  });

  it('does not count a string is_presenter as presenter', async () => {
    // Prepare
    const room = { room_info: { room_id: ROOM_ID, sid: 'RM_x2', is_running: 0 }, participants_info: [participant('p', '{"is_presenter":"true"}')] };
    server.respondWith((response) => sendJson(response, 200, JSON.stringify({ status: true, msg: 'success', status_code: 'SUCCESS', room })));

    // Act
    const info = await client.getActiveRoomInfo(ROOM_ID);

    // Assess
    expect(info?.hasPresenter).toBe(false);
    expect(info?.isRunning).toBe(false);
  });

  it('returns undefined for ROOM_NOT_FOUND', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 200, '{"status":false,"msg":"room not found in active state","status_code":"ROOM_NOT_FOUND","room":null}'),
    );

    // Act
    const info = await client.getActiveRoomInfo(ROOM_ID);

    // Assess
    expect(info).toBeUndefined();
  });

  it('maps an INTERNAL_SERVER_ERROR reply to ServerError', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 200, '{"status":false,"msg":"error getting room info from NATS","status_code":"INTERNAL_SERVER_ERROR","is_active":false}'),
    );

    // Act
    const error = await catchError(client.isRoomActive(ROOM_ID));

    // Assess
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).facts.upstreamCode).toBe('INTERNAL_SERVER_ERROR');
  });

  it('maps a success reply without room to ServerError', async () => {
    // Prepare
    server.respondWith((response) => sendJson(response, 200, '{"status":true,"msg":"success","status_code":"SUCCESS","room":null}'));

    // Act
    const error = await catchError(client.getActiveRoomInfo(ROOM_ID));

    // Assess
    expect(error).toBeInstanceOf(ServerError);
  });

  it.each([
    ['status true, is_active false', '{"status":true,"msg":"room is not active","status_code":"ROOM_NOT_ACTIVE","is_active":false}'],
    ['status false, ROOM_NOT_ACTIVE', '{"status":false,"msg":"room is not active","status_code":"ROOM_NOT_ACTIVE","is_active":false}'],
    ['status false, ROOM_NOT_FOUND', '{"status":false,"msg":"room not found","status_code":"ROOM_NOT_FOUND","is_active":false}'],
  ])('returns false from isRoomActive for %s', async (_case, body) => {
    // Prepare
    server.respondWith((response) => sendJson(response, 200, body));

    // Act
    const active = await client.isRoomActive(ROOM_ID);

    // Assess
    expect(active).toBe(false);
  });
});

describe('plugNmeet client logging', () => {
  it('logs the outcome without link, secret or signature', async () => {
    // Prepare
    server.respondWith((response) => sendJson(response, 200, '{"status":true,"msg":"file uploaded successfully","status_code":"SUCCESS"}'));
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(chunk.toString());
      return true;
    });
    const previousLevel = logger.getLevelName();
    logger.setLogLevel('DEBUG');

    // Act
    try {
      await client.uploadWhiteboardFile(ROOM_ID, LINK);
    } finally {
      logger.setLogLevel(previousLevel);
    }

    // Assess
    const signature = createHmac('sha256', API_SECRET).update(ROOM_ID).digest('hex');
    const output = lines.join('');
    expect(output).not.toContain('link-token-abc');
    expect(output).not.toContain('/files/deck.pdf');
    expect(output).not.toContain(API_SECRET);
    expect(output).not.toContain(signature);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const finished = entries.find((entry) => entry.message === 'plugNmeet request finished');
    expect(finished).toMatchObject({ level: 'DEBUG', roomId: ROOM_ID, httpStatus: 200, statusCode: 'SUCCESS' });
    expect(typeof finished?.durationMs).toBe('number');
  });

  it('keeps the secret and signature out of an auth error', async () => {
    // Prepare
    server.respondWith((response) =>
      sendJson(response, 401, '{"status":false,"msg":"Failed to verify provided authentication details.","status_code":"INVALID_TOKEN_OR_SIGNATURE"}'),
    );
    const signature = createHmac('sha256', API_SECRET).update(ROOM_ID).digest('hex');

    // Act
    const error = await catchError(client.uploadWhiteboardFile(ROOM_ID, LINK));

    // Assess
    const serialized = JSON.stringify((error as ServerAuthError).toJSON()) + (error as Error).message;
    expect(serialized).not.toContain(API_SECRET);
    expect(serialized).not.toContain(signature);
  });
});

describe('parseServerReply', () => {
  it('reads the same fields whatever the whitespace and key order', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.string(),
        fc.constantFrom('SUCCESS', 'CONFLICT', 'INVALID_PARAMETERS', 'ROOM_NOT_FOUND'),
        fc.constantFrom('', ' ', '\n', '  ', '\t'),
        fc.boolean(),
        (status, message, statusCode, space, sorted) => {
          // Prepare
          const fields: [string, unknown][] = [
            ['status', status],
            ['msg', message],
            ['status_code', statusCode],
          ];
          if (sorted) fields.sort(([a], [b]) => a.localeCompare(b));
          const text = `{${space}${fields.map(([key, value]) => `"${key}":${space}${JSON.stringify(value)}`).join(`,${space}`)}${space}}`;

          // Act
          const reply = parseServerReply(400, text);

          // Assess
          expect(reply.status).toBe(status);
          expect(reply.message).toBe(message);
          expect(reply.statusCode).toBe(statusCode);
        },
      ),
    );
  });

  it('keeps the trimmed text of a body that is not JSON', () => {
    // Act
    const reply = parseServerReply(413, 'Request Entity Too Large\n');

    // Assess
    expect(reply).toStrictEqual({
      httpStatus: 413,
      status: undefined,
      message: 'Request Entity Too Large',
      statusCode: undefined,
      body: undefined,
    });
  });
});

/** Returns what `act` throws, failing the test when it throws nothing. */
function throwOf(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('assertUploadDelivered', () => {
  it.each([502, 503, 504])('treats a proxy %i as an unknown outcome', (status) => {
    // Act
    const error = throwOf(() => assertUploadDelivered('/auth/room/uploadWhiteboardFile', 'room-1', parseServerReply(status, '<html>Gateway</html>')));

    // Assess
    expect(error).toBeInstanceOf(UploadOutcomeUnknownError);
    expect((error as UploadOutcomeUnknownError).kind).toBe('gateway');
  });

  it.each([
    'failed to fetch file headers: Head "http://127.0.0.1:1/links/abc/x.pdf": dial tcp 127.0.0.1:1: connect: connection refused',
    'failed to download file: server returned 503 Service Unavailable',
    "invalid MIME type: 'json' is not an allowed file type",
  ])('makes a link fetch failure retryable: %s', (message) => {
    // Act
    const error = throwOf(() =>
      assertUploadDelivered(
        '/auth/room/uploadWhiteboardFile',
        'room-1',
        parseServerReply(400, JSON.stringify({ msg: message, status: false, status_code: 'INTERNAL_SERVER_ERROR' })),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retryable).toBe(true);
  });

  it('keeps a conversion failure permanent', () => {
    const reply = parseServerReply(400, JSON.stringify({ msg: 'conversion/broadcast failed: failed to convert file to PDF', status: false, status_code: 'INTERNAL_SERVER_ERROR' }));
    expect(throwOf(() => assertUploadDelivered('/auth/room/uploadWhiteboardFile', 'room-1', reply))).toBeInstanceOf(FileRejectedError);
  });
});

describe('redactUrls', () => {
  it('cuts every URL in a server message to its origin', () => {
    // Act
    const text = redactUrls('failed to fetch file headers: Head "https://api.example.test/links/eyJ0b2tlbiI.c2ln/deck.pdf": timeout');

    // Assess
    expect(text).toBe('failed to fetch file headers: Head "https://api.example.test/…": timeout');
    expect(text).not.toContain('eyJ0b2tlbiI');
  });

  it('redacts presigned signatures in a parsed reply', () => {
    // Act
    const reply = parseServerReply(400, JSON.stringify({ msg: 'failed to download file: Get "http://127.0.0.1:4569/uploads/a.pdf?X-Amz-Signature=deadbeef": EOF' }));

    // Assess
    expect(reply.message).not.toContain('X-Amz-Signature');
    expect(reply.message).toContain('http://127.0.0.1:4569/…');
  });
});
