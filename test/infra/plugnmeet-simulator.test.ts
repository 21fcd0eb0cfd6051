import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPlugnmeetSimulator, type PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import {
  API_KEY,
  postSignedJson,
  readResponse,
  readSample,
  serveDocument,
  sign,
  startFileServer,
  upload,
  UPLOAD_PATH,
  type FileServer,
} from './plugnmeet-simulator-helpers';

let simulator: PlugnmeetSimulator;
let files: FileServer;
let roomCounter = 0;

/** Creates a fresh active room per test, so locks and folders never leak between tests. */
function newRoom(status: 'created' | 'active' = 'active'): string {
  roomCounter += 1;
  const roomId = `room-${roomCounter}`;
  simulator.createRoom(roomId, { status });
  return roomId;
}

function pdfLink(name = `doc-${roomCounter}.pdf`): string {
  files.route(`/files/${name}`, serveDocument({ body: readSample('sample.pdf'), contentType: 'application/pdf' }));
  return `${files.url}/files/${name}`;
}

beforeAll(async () => {
  simulator = await startPlugnmeetSimulator({ apiKey: API_KEY, apiSecret: 'simulator-test-secret', conversionMs: 0 });
  files = await startFileServer();
});

afterAll(async () => {
  await simulator.stop();
  await files.stop();
});

afterEach(async () => {
  // A test that crashed the simulated server must not leave it refusing requests.
  if (simulator.crashed) await simulator.restart();
});

describe('auth middleware', () => {
  const sendRaw = (headers: Record<string, string>, body = '{}', path = '/auth/room/isRoomActive') =>
    fetch(`${simulator.url}${path}`, { method: 'POST', headers, body }).then(readResponse);

  it('rejects a missing API-KEY first', async () => {
    // Act
    const response = await sendRaw({ 'Content-Type': 'application/json' });

    // Assess
    expect(response.status).toBe(401);
    expect(response.json).toStrictEqual({ status: false, msg: 'Missing API-KEY header.', status_code: 'MISSING_REQUIRED_PARAMETER' });
  });

  it('rejects a wrong API-KEY before looking at the signature', async () => {
    // Act
    const response = await sendRaw({ 'API-KEY': 'other-key' });

    // Assess
    expect(response.status).toBe(401);
    expect(response.json).toStrictEqual({ status: false, msg: 'Invalid API key provided.', status_code: 'INVALID_API_KEY' });
  });

  it('rejects a missing HASH-SIGNATURE', async () => {
    // Act
    const response = await sendRaw({ 'API-KEY': API_KEY });

    // Assess
    expect(response.json).toStrictEqual({ status: false, msg: 'Missing HASH-SIGNATURE header.', status_code: 'MISSING_REQUIRED_PARAMETER' });
  });

  it('rejects a multipart request without Room-Id before checking the signature', async () => {
    // Act
    const response = await sendRaw({ 'API-KEY': API_KEY, 'HASH-SIGNATURE': 'x', 'Content-Type': 'multipart/form-data; boundary=b' }, '--b--\r\n', UPLOAD_PATH);

    // Assess
    expect(response.status).toBe(401);
    expect(response.json).toStrictEqual({ status: false, msg: 'Missing Room-Id header for multipart request.', status_code: 'MISSING_REQUIRED_PARAMETER' });
  });

  it('rejects a wrong signature', async () => {
    // Act
    const response = await sendRaw({ 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign('something else'), 'Content-Type': 'application/json' });

    // Assess
    expect(response.status).toBe(401);
    expect(response.json).toStrictEqual({ status: false, msg: 'Failed to verify provided authentication details.', status_code: 'INVALID_TOKEN_OR_SIGNATURE' });
  });

  it('rejects the right signature in uppercase hex', async () => {
    // Act
    const response = await sendRaw({ 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign('{}').toUpperCase(), 'Content-Type': 'application/json' });

    // Assess
    expect(response.json.status_code).toBe('INVALID_TOKEN_OR_SIGNATURE');
  });

  it('accepts a JSON request signed over its raw body', async () => {
    // Act
    const response = await sendRaw({ 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign('{"room_id":"nowhere"}'), 'Content-Type': 'application/json' }, '{"room_id":"nowhere"}');

    // Assess
    expect(response.status).toBe(200);
    expect(response.json.msg).toBe('room not found');
  });

  it('rejects a JSON request signed over Room-Id', async () => {
    // Act
    const response = await sendRaw({ 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign('room-x'), 'Room-Id': 'room-x', 'Content-Type': 'application/json' }, '{"room_id":"room-x"}');

    // Assess
    expect(response.status).toBe(401);
  });

  it('rejects a multipart request signed over its body', async () => {
    // Prepare
    const body = '--b\r\nContent-Disposition: form-data; name="document_link"\r\n\r\nhttp://127.0.0.1/x.pdf\r\n--b--\r\n';

    // Act
    const response = await sendRaw({ 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign(body), 'Room-Id': 'room-x', 'Content-Type': 'multipart/form-data; boundary=b' }, body, UPLOAD_PATH);

    // Assess
    expect(response.status).toBe(401);
    expect(response.json.status_code).toBe('INVALID_TOKEN_OR_SIGNATURE');
  });

  it('treats a differently cased multipart Content-Type as non-multipart', async () => {
    // Prepare
    const body = '--b--\r\n';

    // Act
    const overRoomId = await sendRaw({ 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign('room-x'), 'Room-Id': 'room-x', 'Content-Type': 'Multipart/Form-Data; boundary=b' }, body, UPLOAD_PATH);
    const overBody = await sendRaw({ 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign(body), 'Room-Id': 'room-x', 'Content-Type': 'Multipart/Form-Data; boundary=b' }, body, UPLOAD_PATH);

    // Assess
    expect(overRoomId.status).toBe(401);
    expect(overBody.status).toBe(400);
    expect(overBody.json.msg).toBe('room not found');
  });

  it('returns auth errors of application/protobuf requests in protobuf', async () => {
    // Act
    const response = await fetch(`${simulator.url}/auth/room/isRoomActive`, { method: 'POST', headers: { 'Content-Type': 'application/protobuf' }, body: '' });
    const bytes = Buffer.from(await response.arrayBuffer());

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/protobuf');
    expect(bytes).toStrictEqual(Buffer.concat([Buffer.from([0x12, 23]), Buffer.from('Missing API-KEY header.')]));
  });

  it('sends auth errors as protojson with a bare application/json type', async () => {
    // Act
    const response = await sendRaw({});

    // Assess
    expect(response.contentType).toBe('application/json');
  });

  it('counts rejected requests', async () => {
    // Prepare
    const before = simulator.counters.authFailures;

    // Act
    await sendRaw({});

    // Assess
    expect(simulator.counters.authFailures).toBe(before + 1);
  });
});

describe('routing', () => {
  it('returns 404 text for an unknown path under /auth after auth', async () => {
    // Act
    const response = await postSignedJson(simulator, '/auth/room/create', { room_id: 'x' });

    // Assess
    expect(response.status).toBe(404);
    expect(response.text).toBe('not found');
    expect(response.contentType).toBe('text/plain; charset=utf-8');
  });

  it('checks auth before returning 404 under /auth', async () => {
    // Act
    const response = await fetch(`${simulator.url}/auth/room/create`, { method: 'POST', body: '{}' }).then(readResponse);

    // Assess
    expect(response.status).toBe(401);
  });

  it('returns 404 for a GET of the upload route after auth', async () => {
    // Act
    const response = await fetch(`${simulator.url}${UPLOAD_PATH}`, { headers: { 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign('') } }).then(readResponse);

    // Assess
    expect(response.status).toBe(404);
    expect(response.text).toBe('not found');
  });

  it('returns 404 outside /auth without auth', async () => {
    // Act
    const response = await fetch(`${simulator.url}/`).then(readResponse);

    // Assess
    expect(response.status).toBe(404);
  });

  it('matches routes case-insensitively, as Fiber does by default', async () => {
    // Act
    const response = await postSignedJson(simulator, '/auth/room/ISROOMACTIVE', { room_id: 'nowhere' });

    // Assess
    expect(response.status).toBe(200);
  });

  it('returns 413 text for a body over 50 MiB before auth', async () => {
    // Act
    const status = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(`${simulator.url}${UPLOAD_PATH}`, { method: 'POST', headers: { 'Content-Length': String(60 * 1024 * 1024) } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
      request.flushHeaders();
    });

    // Assess
    expect(status).toStrictEqual({ status: 413, text: 'Request Entity Too Large' });
  });
});

describe('upload preconditions', () => {
  it('rejects a non-multipart upload without Room-Id', async () => {
    // Act
    const response = await postSignedJson(simulator, UPLOAD_PATH, {});

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({ msg: 'missing required header Room-Id', status: false, status_code: 'INVALID_PARAMETERS' });
  });

  it('rejects an unknown room', async () => {
    // Act
    const response = await upload(simulator, 'no-such-room', { link: pdfLink() });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({ msg: 'room not found', status: false, status_code: 'ROOM_NOT_FOUND' });
  });

  it('rejects an ended room', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.endRoom(roomId);

    // Act
    const response = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({ msg: 'room is not active', status: false, status_code: 'ROOM_NOT_ACTIVE' });
  });

  it('rejects a deleted room as not found', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.deleteRoom(roomId);

    // Act
    const response = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(response.json.status_code).toBe('ROOM_NOT_FOUND');
  });

  it('accepts a room that was just created and has no participants', async () => {
    // Prepare
    const roomId = newRoom('created');

    // Act
    const response = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(response.status).toBe(200);
  });

  it('sends handler errors in the fiber.Map style with sorted keys', async () => {
    // Act
    const response = await upload(simulator, 'no-such-room', { link: pdfLink() });

    // Assess
    expect(response.contentType).toBe('application/json; charset=utf-8');
    expect(Object.keys(response.json)).toStrictEqual(['msg', 'status', 'status_code']);
  });

  it('sends success in the protojson style', async () => {
    // Prepare
    const roomId = newRoom();

    // Act
    const response = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(response.contentType).toBe('application/json');
    expect(response.json).toStrictEqual({ status: true, msg: 'file uploaded successfully', status_code: 'SUCCESS' });
  });

  it('takes and releases the lock when neither field is given', async () => {
    // Prepare
    const roomId = newRoom();

    // Act
    const empty = await upload(simulator, roomId, {});
    const next = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(empty.status).toBe(400);
    expect(empty.json).toStrictEqual({ msg: 'fasthttp: there is no uploaded file associated with the given key', status: false, status_code: 'INVALID_PARAMETERS' });
    expect(next.status).toBe(200);
  });

  it('reports the fasthttp error for a JSON upload without a link', async () => {
    // Act
    const response = await postSignedJson(simulator, UPLOAD_PATH, {}, { 'Room-Id': newRoom() });

    // Assess
    expect(response.json).toStrictEqual({ msg: 'fasthttp: request content-type has bad boundary or is not multipart/form-data', status: false, status_code: 'INVALID_PARAMETERS' });
  });

  it('rejects a link that is not a request URI', async () => {
    // Act
    const response = await upload(simulator, newRoom(), { link: 'slides.pdf' });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({ msg: 'Invalid document_link provided', status: false, status_code: 'INVALID_PARAMETERS' });
  });

  it('lets an ftp link pass the URI check and fail at the HEAD', async () => {
    // Act
    const response = await upload(simulator, newRoom(), { link: 'ftp://127.0.0.1/x.pdf' });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({
      msg: 'failed to fetch file headers: Head "ftp://127.0.0.1/x.pdf": unsupported protocol scheme "ftp"',
      status: false,
      status_code: 'INTERNAL_SERVER_ERROR',
    });
  });

  it('reads document_link from the query string of a JSON request', async () => {
    // Prepare
    const roomId = newRoom();
    const link = pdfLink();
    const body = '{}';

    // Act
    const response = await fetch(`${simulator.url}${UPLOAD_PATH}?document_link=${encodeURIComponent(link)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign(body), 'Room-Id': roomId },
      body,
    }).then(readResponse);

    // Assess
    expect(response.status).toBe(200);
    expect(simulator.uploads.at(-1)?.documentLink).toBe(link);
  });

  it('reads document_link from an urlencoded body signed over the body', async () => {
    // Prepare
    const roomId = newRoom();
    const body = new URLSearchParams({ document_link: pdfLink() }).toString();

    // Act
    const response = await fetch(`${simulator.url}${UPLOAD_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign(body), 'Room-Id': roomId },
      body,
    }).then(readResponse);

    // Assess
    expect(response.status).toBe(200);
  });

  it('uses the link and ignores the document when both are sent', async () => {
    // Prepare
    const roomId = newRoom();

    // Act
    const response = await upload(simulator, roomId, { link: pdfLink('link-wins.pdf'), document: { filename: 'ignored.pdf', content: readSample('photo.png') } });

    // Assess
    expect(response.status).toBe(200);
    expect(simulator.uploads.at(-1)).toMatchObject({ source: 'document_link', filename: 'link-wins.pdf' });
  });
});

describe('upload lock', () => {
  it('returns 409 with the exact body while another upload holds the lock', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.holdLock(roomId);

    // Act
    const response = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(response.status).toBe(409);
    expect(response.text).toBe('{"msg":"Another whiteboard file upload is already in progress for this room","status":false,"status_code":"CONFLICT"}');
    simulator.releaseLock(roomId);
  });

  it('lets uploads through again once the lock TTL expires', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.holdLock(roomId, 150);
    const blocked = await upload(simulator, roomId, { link: pdfLink() });
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act
    const response = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(blocked.status).toBe(409);
    expect(response.status).toBe(200);
  });

  it('holds the lock through conversion', async () => {
    // Prepare
    const roomId = newRoom();
    const link = pdfLink('slow.pdf');
    simulator.injectFault({ kind: 'slow-conversion', extraMs: 2_000, roomId });
    const getsBefore = files.requests.filter((request) => request.method === 'GET').length;
    let firstResponded = false;
    const first = upload(simulator, roomId, { link }).then((response) => {
      firstResponded = true;
      return response;
    });
    await expect.poll(() => files.requests.filter((request) => request.method === 'GET').length).toBe(getsBefore + 1);

    // Act
    const second = await upload(simulator, roomId, { link: pdfLink('second.pdf') });
    const respondedDuringConversion = firstResponded;
    const firstResponse = await first;

    // Assess
    expect(second.status).toBe(409);
    expect(respondedDuringConversion).toBe(false);
    expect(firstResponse.status).toBe(200);
    expect(simulator.counters.maxConcurrentByRoom[roomId]).toBe(1);
  });

  it('measures overlapping uploads when the lock TTL expires mid-upload', async () => {
    // Prepare
    const shortLock = await startPlugnmeetSimulator({ apiKey: API_KEY, apiSecret: 'simulator-test-secret', lockTtlMs: 100, conversionMs: 2_000 });
    shortLock.createRoom('ttl-room');
    const first = upload(shortLock, 'ttl-room', { link: pdfLink('ttl-1.pdf') });
    // Once the first file is downloaded the first upload is converting; then let its lock expire.
    await expect.poll(() => files.requests.some((request) => request.path === '/files/ttl-1.pdf' && request.method === 'GET')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act
    const second = await upload(shortLock, 'ttl-room', { link: pdfLink('ttl-2.pdf') });
    await first;

    // Assess
    expect(second.status).toBe(200);
    expect(shortLock.counters.maxConcurrentByRoom['ttl-room']).toBe(2);
    expect(shortLock.counters.concurrentViolations).toBe(1);
    await shortLock.stop();
  });
});

describe('faults', () => {
  it('returns an injected status once, before anything else', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.injectFault({ kind: 'status', status: 503, roomId });

    // Act
    const faulted = await upload(simulator, roomId, { link: pdfLink() });
    const next = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(faulted.status).toBe(503);
    expect(faulted.text).toBe('Service Unavailable');
    expect(next.status).toBe(200);
  });

  it('drops the connection without taking the lock', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.injectFault({ kind: 'drop-connection', roomId });

    // Act
    const dropped = upload(simulator, roomId, { link: pdfLink() });
    await expect(dropped).rejects.toThrow();
    const next = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(next.status).toBe(200);
    expect(simulator.uploads.find((record) => record.roomId === roomId && record.httpStatus === 0)?.message).toBe('injected fault: connection dropped without a response');
  });

  it('applies a fault for another room only to that room', async () => {
    // Prepare
    const target = newRoom();
    const other = newRoom();
    simulator.injectFault({ kind: 'status', status: 500, roomId: target });

    // Act
    const otherResponse = await upload(simulator, other, { link: pdfLink() });
    const targetResponse = await upload(simulator, target, { link: pdfLink() });

    // Assess
    expect(otherResponse.status).toBe(200);
    expect(targetResponse.status).toBe(500);
  });

  it('repeats a fault the given number of times', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.injectFault({ kind: 'status', status: 502, times: 2, roomId });

    // Act
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) statuses.push((await upload(simulator, roomId, { link: pdfLink() })).status);

    // Assess
    expect(statuses).toStrictEqual([502, 502, 200]);
  });

  it('rejects a fault with an unknown status', () => {
    // Act
    const inject = () => simulator.injectFault({ kind: 'status', status: 504 as 503 });

    // Assess
    expect(inject).toThrow(/Invalid fault/);
  });
});

describe('room info endpoints', () => {
  it('reports an active room', async () => {
    // Prepare
    const roomId = newRoom();

    // Act
    const response = await postSignedJson(simulator, '/auth/room/isRoomActive', { room_id: roomId });

    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toStrictEqual({ status: true, msg: 'room is active', status_code: 'SUCCESS', is_active: true });
  });

  it('reports an ended room with HTTP 200', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.endRoom(roomId);

    // Act
    const response = await postSignedJson(simulator, '/auth/room/isRoomActive', { roomId });

    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toStrictEqual({ status: true, msg: 'room is not active', status_code: 'ROOM_NOT_ACTIVE', is_active: false });
  });

  it('returns a missing room_id with INVALID_PARAMETERS and HTTP 200', async () => {
    // Act
    const response = await postSignedJson(simulator, '/auth/room/isRoomActive', {});

    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status: false, status_code: 'INVALID_PARAMETERS' });
  });

  it('lists participants with the presenter flag in their metadata', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.addParticipant(roomId, { identity: 'teacher', name: 'Teacher', isPresenter: true, isAdmin: true });
    simulator.addParticipant(roomId, { identity: 'student' });

    // Act
    const response = await postSignedJson(simulator, '/auth/room/getActiveRoomInfo', { room_id: roomId });

    // Assess
    const room = response.json.room as { room_info: Record<string, unknown>; participants_info: Array<Record<string, unknown>> };
    expect(response.json).toMatchObject({ status: true, msg: 'success', status_code: 'SUCCESS' });
    expect(room.room_info).toMatchObject({ room_id: roomId, joined_participants: '2', is_running: 1, is_recording: 0, is_breakout_room: 0 });
    expect(typeof room.room_info.creation_time).toBe('string');
    const presenters = room.participants_info.filter((participant) => (JSON.parse(participant.metadata as string) as { is_presenter: boolean }).is_presenter);
    expect(presenters.map((participant) => participant.identity)).toStrictEqual(['teacher']);
    expect(JSON.parse(room.participants_info[0]?.metadata as string)).toMatchObject({ is_admin: true, is_presenter: true });
    expect(typeof room.participants_info[0]?.joined_at).toBe('string');
  });

  it('drops a removed participant', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.addParticipant(roomId, { identity: 'teacher', isPresenter: true });
    simulator.removeParticipant(roomId, 'teacher');

    // Act
    const response = await postSignedJson(simulator, '/auth/room/getActiveRoomInfo', { room_id: roomId });

    // Assess
    expect((response.json.room as { participants_info: unknown[] }).participants_info).toStrictEqual([]);
  });

  it('returns room null for a room that is not running', async () => {
    // Act
    const response = await postSignedJson(simulator, '/auth/room/getActiveRoomInfo', { room_id: 'no-such-room' });

    // Assess
    expect(response.json).toStrictEqual({ status: false, msg: 'room not found in active state', status_code: 'ROOM_NOT_FOUND', room: null });
  });

  it('lists running rooms', async () => {
    // Prepare
    const roomId = newRoom();

    // Act
    const response = await postSignedJson(simulator, '/auth/room/getActiveRoomsInfo', {});

    // Assess
    const rooms = response.json.rooms as Array<{ room_info: { room_id: string } }>;
    expect(response.json.status_code).toBe('SUCCESS');
    expect(rooms.map((room) => room.room_info.room_id)).toContain(roomId);
  });

  it('reports no active room as NOT_FOUND', async () => {
    // Prepare
    const empty = await startPlugnmeetSimulator({ apiKey: API_KEY, apiSecret: 'simulator-test-secret' });

    // Act
    const response = await postSignedJson(empty, '/auth/room/getActiveRoomsInfo', {});

    // Assess
    expect(response.json).toStrictEqual({ status: false, msg: 'no active room found', status_code: 'NOT_FOUND', rooms: [] });
    await empty.stop();
  });
});

describe('control routes', () => {
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${simulator.url}/_simulator/${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(readResponse);

  it('creates a room, adds a presenter and shows it in the room info', async () => {
    // Act
    await control('POST', 'rooms', { roomId: 'controlled-room' });
    await control('POST', 'rooms/controlled-room/participants', { identity: 'host', isPresenter: true });
    const info = await postSignedJson(simulator, '/auth/room/getActiveRoomInfo', { room_id: 'controlled-room' });

    // Assess
    expect((info.json.room as { participants_info: Array<{ identity: string }> }).participants_info.map((participant) => participant.identity)).toStrictEqual(['host']);
  });

  it('holds and releases a room lock', async () => {
    // Prepare
    const roomId = newRoom();

    // Act
    await control('POST', `rooms/${roomId}/lock`, { ttlMs: 60_000 });
    const blocked = await upload(simulator, roomId, { link: pdfLink() });
    await control('DELETE', `rooms/${roomId}/lock`);
    const allowed = await upload(simulator, roomId, { link: pdfLink() });

    // Assess
    expect(blocked.status).toBe(409);
    expect(allowed.status).toBe(200);
  });

  it('injects a fault and returns counters and uploads', async () => {
    // Prepare
    const roomId = newRoom();
    await control('POST', 'faults', { kind: 'status', status: 502, roomId });

    // Act
    const response = await upload(simulator, roomId, { link: pdfLink() });
    const counters = await control('GET', 'counters');
    const uploads = await control('GET', 'uploads');

    // Assess
    expect(response.status).toBe(502);
    expect(counters.json.uploadRequests).toBe(simulator.counters.uploadRequests);
    expect(JSON.parse(uploads.text)).toHaveLength(simulator.uploads.length);
  });

  it('rejects an invalid fault with 400', async () => {
    // Act
    const response = await control('POST', 'faults', { kind: 'explode' });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json.error).toMatch(/Invalid fault/);
  });

  it('returns 404 for an unknown control route', async () => {
    // Act
    const response = await control('GET', 'nothing-here');

    // Assess
    expect(response.status).toBe(404);
  });
});
