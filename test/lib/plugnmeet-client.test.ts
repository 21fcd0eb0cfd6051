import { createHash, createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FileRejectedError,
  RoomBusyError,
  RoomNotActiveError,
  ServerAuthError,
  ServerError,
  UploadOutcomeUnknownError,
} from '../../lib/errors';
import { createPlugnmeetClient, type PlugnmeetClient } from '../../lib/plugnmeet-client';
import { startPlugnmeetSimulator, type PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import { catchError, PDF_BYTES, startDocumentServer, type DocumentServer } from './plugnmeet-fixtures';

/** The client against the plugNmeet simulator, which imitates the server's behaviour as read from its source. */

const API_KEY = 'simulator-api-key';
const API_SECRET = 'simulator-api-secret-9f8e7d';

let simulator: PlugnmeetSimulator;
let documents: DocumentServer;
let client: PlugnmeetClient;

function createClient(overrides: { apiSecret?: string; serverUrl?: string } = {}): PlugnmeetClient {
  return createPlugnmeetClient({
    serverUrl: overrides.serverUrl ?? simulator.url,
    apiKey: API_KEY,
    apiSecret: overrides.apiSecret ?? API_SECRET,
    uploadTimeoutMs: 20_000,
    apiTimeoutMs: 5_000,
  });
}

/** Returns a room id that no other test uses. */
function uniqueRoomId(): string {
  return `room-${randomUUID()}`;
}

/** Creates an active room and returns its id. */
function createActiveRoom(): string {
  const roomId = uniqueRoomId();
  simulator.createRoom(roomId, { status: 'active' });
  return roomId;
}

/** Sends an upload request by hand, with the given signature. */
async function sendRawUpload(roomId: string, signature: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('document_link', documents.createLink('pdf'));
  const response = await fetch(`${simulator.url}/auth/room/uploadWhiteboardFile`, {
    method: 'POST',
    headers: { 'API-KEY': API_KEY, 'Room-Id': roomId, 'HASH-SIGNATURE': signature },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  simulator = await startPlugnmeetSimulator({ apiKey: API_KEY, apiSecret: API_SECRET });
  documents = await startDocumentServer();
  client = createClient();
});

afterAll(async () => {
  await simulator.stop();
  await documents.close();
});

describe('uploadWhiteboardFile against the simulator', () => {
  it('delivers a PDF link', async () => {
    // Prepare
    const roomId = createActiveRoom();

    // Act
    const delivered = await client.uploadWhiteboardFile(roomId, documents.createLink('pdf'));

    // Assess
    expect(delivered.outcome).toBe('delivered');
    expect(delivered.httpStatus).toBe(200);
    expect(delivered.message).toBe('file uploaded successfully');
    const record = simulator.uploads.find((upload) => upload.roomId === roomId);
    expect(record?.statusCode).toBe('SUCCESS');
    expect(record?.source).toBe('document_link');
    expect(record?.detectedType).toBe('pdf');
    expect(record?.sha256).toBe(createHash('sha256').update(PDF_BYTES).digest('hex'));
  });

  it('matches an independently computed signature', async () => {
    // Prepare
    const roomId = createActiveRoom();
    const signature = createHmac('sha256', Buffer.from(API_SECRET, 'utf8')).update(Buffer.from(roomId, 'utf8')).digest('hex');

    // Act
    const response = await sendRawUpload(roomId, signature);

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.status_code).toBe('SUCCESS');
  });

  it('is rejected by the server with an uppercase signature', async () => {
    // Prepare
    const roomId = createActiveRoom();
    const signature = createHmac('sha256', API_SECRET).update(roomId).digest('hex').toUpperCase();

    // Act
    const response = await sendRawUpload(roomId, signature);

    // Assess
    expect(response.status).toBe(401);
    expect(response.body.status_code).toBe('INVALID_TOKEN_OR_SIGNATURE');
  });

  it('throws RoomBusyError while the room lock is held', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.holdLock(roomId);

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, documents.createLink('pdf')));
    simulator.releaseLock(roomId);

    // Assess
    expect(error).toBeInstanceOf(RoomBusyError);
    expect((error as RoomBusyError).retryable).toBe(true);
    expect((error as RoomBusyError).facts).toStrictEqual({
      roomId,
      httpStatus: 409,
      upstreamCode: 'CONFLICT',
      upstreamMessage: 'Another whiteboard file upload is already in progress for this room',
    });
  });

  it('throws RoomNotActiveError for an unknown room', async () => {
    // Prepare
    const roomId = uniqueRoomId();

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, documents.createLink('pdf')));

    // Assess
    expect(error).toBeInstanceOf(RoomNotActiveError);
    expect((error as RoomNotActiveError).code).toBe('ROOM_NOT_FOUND');
    expect((error as RoomNotActiveError).retryable).toBe(true);
    expect((error as RoomNotActiveError).facts).toStrictEqual({
      roomId,
      httpStatus: 400,
      upstreamCode: 'ROOM_NOT_FOUND',
      upstreamMessage: 'room not found',
    });
  });

  it('throws RoomNotActiveError for an ended room', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.endRoom(roomId);

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, documents.createLink('pdf')));

    // Assess
    expect(error).toBeInstanceOf(RoomNotActiveError);
    expect((error as RoomNotActiveError).code).toBe('ROOM_NOT_ACTIVE');
    expect((error as RoomNotActiveError).facts.upstreamMessage).toBe('room is not active');
  });

  it('throws ServerAuthError with a wrong secret', async () => {
    // Prepare
    const roomId = createActiveRoom();
    const wrongSecret = 'wrong-secret-5a5a5a';
    const authFailuresBefore = simulator.counters.authFailures;

    // Act
    const error = await catchError(createClient({ apiSecret: wrongSecret }).uploadWhiteboardFile(roomId, documents.createLink('pdf')));

    // Assess
    expect(error).toBeInstanceOf(ServerAuthError);
    expect((error as ServerAuthError).retryable).toBe(false);
    expect((error as ServerAuthError).facts.upstreamCode).toBe('INVALID_TOKEN_OR_SIGNATURE');
    expect((error as ServerAuthError).message).not.toContain(wrongSecret);
    expect(simulator.counters.authFailures).toBe(authFailuresBefore + 1);
  });

  it('throws FileRejectedError for an image link', async () => {
    // Prepare
    const roomId = createActiveRoom();

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, documents.createLink('png')));

    // Assess
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).retryable).toBe(false);
    expect((error as FileRejectedError).facts).toStrictEqual({
      roomId,
      httpStatus: 400,
      upstreamCode: 'INTERNAL_SERVER_ERROR',
      upstreamMessage: 'conversion/broadcast failed: failed to convert file to PDF',
    });
  });

  it('throws FileRejectedError for a link to a 404 page', async () => {
    // Prepare
    const roomId = createActiveRoom();

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, documents.createLink('missing')));

    // Assess
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).facts.httpStatus).toBe(400);
    expect((error as FileRejectedError).facts.upstreamMessage).toBe("invalid MIME type: 'html' is not an allowed file type");
  });

  it('throws FileRejectedError for a file over the size limit', async () => {
    // Prepare
    const small = await startPlugnmeetSimulator({ apiKey: API_KEY, apiSecret: API_SECRET, maxFileBytes: 100 });
    const roomId = uniqueRoomId();
    small.createRoom(roomId, { status: 'active' });

    // Act
    const error = await catchError(createClient({ serverUrl: small.url }).uploadWhiteboardFile(roomId, documents.createLink('pdf')));
    await small.stop();

    // Assess
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).facts.upstreamMessage).toBe(`file too large: allowed 100 bytes, got ${PDF_BYTES.length}`);
  });

  it('throws FileRejectedError on the body-limit 413', async () => {
    // Prepare
    const roomId = createActiveRoom();
    // The server's request body limit (`max_size`) is 50 MiB, and only a link that long makes the
    // client's request exceed it.
    const hugeLink = `${documents.url}/files/${'a'.repeat(51 * 1024 * 1024)}.pdf`;

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, hugeLink));

    // Assess
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).facts).toStrictEqual({
      roomId,
      httpStatus: 413,
      upstreamCode: undefined,
      upstreamMessage: 'Request Entity Too Large',
    });
  });

  it('throws ServerError on an HTTP 500', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.injectFault({ kind: 'status', status: 500, roomId });

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, documents.createLink('pdf')));

    // Assess
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retryable).toBe(true);
    expect((error as ServerError).facts.httpStatus).toBe(500);
  });

  it('throws UploadOutcomeUnknownError on a dropped connection', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.injectFault({ kind: 'drop-connection', roomId });

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, documents.createLink('pdf')));

    // Assess
    expect(error).toBeInstanceOf(UploadOutcomeUnknownError);
    expect((error as UploadOutcomeUnknownError).retryable).toBe(false);
    expect(simulator.uploads.filter((upload) => upload.roomId === roomId).map((upload) => upload.httpStatus)).toStrictEqual([0]);
  });

  it('throws UploadOutcomeUnknownError on a timeout and sends once', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.injectFault({ kind: 'slow-conversion', extraMs: 3_000, roomId });
    const requestsBefore = simulator.counters.uploadRequests;
    const finishedBefore = simulator.uploads.length;

    // Act
    const error = await catchError(client.uploadWhiteboardFile(roomId, documents.createLink('pdf'), { timeoutMs: 300 }));
    await simulator.waitForUploads(finishedBefore + 1);

    // Assess
    expect(error).toBeInstanceOf(UploadOutcomeUnknownError);
    expect((error as UploadOutcomeUnknownError).retryable).toBe(false);
    expect((error as UploadOutcomeUnknownError).facts.roomId).toBe(roomId);
    expect(simulator.counters.uploadRequests).toBe(requestsBefore + 1);
    // The server finished the conversion after the client gave up, as the real one does.
    const records = simulator.uploads.filter((upload) => upload.roomId === roomId);
    expect(records.map((upload) => upload.statusCode)).toStrictEqual(['SUCCESS']);
  });
});

describe('isRoomActive against the simulator', () => {
  it('returns true for a created room without participants', async () => {
    // Prepare
    const roomId = uniqueRoomId();
    simulator.createRoom(roomId, { status: 'created' });

    // Act
    const active = await client.isRoomActive(roomId);

    // Assess
    expect(active).toBe(true);
  });

  it('returns true for an active room', async () => {
    // Act
    const active = await client.isRoomActive(createActiveRoom());

    // Assess
    expect(active).toBe(true);
  });

  it('returns false for an ended room', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.endRoom(roomId);

    // Act
    const active = await client.isRoomActive(roomId);

    // Assess
    expect(active).toBe(false);
  });

  it('returns false for an unknown room', async () => {
    // Act
    const active = await client.isRoomActive(uniqueRoomId());

    // Assess
    expect(active).toBe(false);
  });

  it('throws ServerAuthError with a wrong secret', async () => {
    // Act
    const error = await catchError(createClient({ apiSecret: 'wrong-secret-5a5a5a' }).isRoomActive(createActiveRoom()));

    // Assess
    expect(error).toBeInstanceOf(ServerAuthError);
    expect((error as ServerAuthError).facts.httpStatus).toBe(401);
  });
});

describe('getActiveRoomInfo against the simulator', () => {
  it('reports the presenter', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.addParticipant(roomId, { identity: 'teacher', name: 'Ada Teacher', isPresenter: true, isAdmin: true });
    simulator.addParticipant(roomId, { identity: 'student', name: 'Bo Student' });

    // Act
    const info = await client.getActiveRoomInfo(roomId);

    // Assess
    expect(info?.roomId).toBe(roomId);
    expect(info?.sid).not.toBe('');
    expect(info?.isRunning).toBe(true);
    expect(info?.hasPresenter).toBe(true);
    expect(info?.participants).toStrictEqual([
      { identity: 'teacher', name: 'Ada Teacher', isPresenter: true, isAdmin: true },
      { identity: 'student', name: 'Bo Student', isPresenter: false, isAdmin: false },
    ]);
  });

  it('reports no presenter when only attendees joined', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.addParticipant(roomId, { identity: 'admin-away', name: 'Admin', isAdmin: true });
    simulator.addParticipant(roomId, { identity: 'student', name: 'Bo Student' });

    // Act
    const info = await client.getActiveRoomInfo(roomId);

    // Assess
    expect(info?.hasPresenter).toBe(false);
    expect(info?.participants.map((participant) => participant.identity)).toStrictEqual(['admin-away', 'student']);
    expect(info?.participants[0]?.isAdmin).toBe(true);
  });

  it('returns undefined for an unknown room', async () => {
    // Act
    const info = await client.getActiveRoomInfo(uniqueRoomId());

    // Assess
    expect(info).toBeUndefined();
  });

  it('returns undefined for an ended room', async () => {
    // Prepare
    const roomId = createActiveRoom();
    simulator.endRoom(roomId);

    // Act
    const info = await client.getActiveRoomInfo(roomId);

    // Assess
    expect(info).toBeUndefined();
  });
});
