import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPlugnmeetSimulator, type PlugnmeetSimulator, type UploadRecord } from '../../infra/local/plugnmeet-simulator';
import { API_KEY, readSample, serveDocument, startFileServer, upload, type DocumentRoute, type FileServer } from './plugnmeet-simulator-helpers';

let simulator: PlugnmeetSimulator;
let files: FileServer;
let counter = 0;

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function newRoom(): string {
  counter += 1;
  const roomId = `link-room-${counter}`;
  simulator.createRoom(roomId);
  return roomId;
}

/** Serves `route` under a unique path and returns its URL, with `query` appended when given. */
function serve(route: DocumentRoute, name = `file-${counter}-${Math.random().toString(36).slice(2)}.pdf`, query = ''): string {
  files.route(`/files/${name}`, serveDocument(route));
  return `${files.url}/files/${name}${query}`;
}

function requestsFor(link: string): Array<{ method: string; userAgent: string; range?: string }> {
  const path = new URL(link).pathname;
  return files.requests.filter((request) => request.path === path).map(({ method, userAgent, range }) => (range ? { method, userAgent, range } : { method, userAgent }));
}

function lastRecord(roomId: string): UploadRecord | undefined {
  return simulator.uploads.filter((record) => record.roomId === roomId).at(-1);
}

beforeAll(async () => {
  simulator = await startPlugnmeetSimulator({ apiKey: API_KEY, apiSecret: 'simulator-test-secret', conversionMs: 0, maxFileBytes: 64 * 1024 });
  files = await startFileServer();
});

afterAll(async () => {
  await simulator.stop();
  await files.stop();
});

afterEach(async () => {
  if (simulator.crashed) await simulator.restart();
});

describe('link download sequence', () => {
  it('sends Go HEAD, grab HEAD, grab GET', async () => {
    // Prepare
    const roomId = newRoom();
    const pdf = readSample('sample.pdf');
    const link = serve({ body: pdf, contentType: PDF }, 'sequence.pdf');

    // Act
    const response = await upload(simulator, roomId, { link });

    // Assess
    expect(response.status).toBe(200);
    expect(requestsFor(link)).toStrictEqual([
      { method: 'HEAD', userAgent: 'Go-http-client/1.1' },
      { method: 'HEAD', userAgent: 'grab' },
      { method: 'GET', userAgent: 'grab' },
    ]);
    expect(lastRecord(roomId)).toMatchObject({ filename: 'sequence.pdf', sha256: sha256(pdf), size: pdf.length, detectedType: 'pdf', statusCode: 'SUCCESS' });
    expect(lastRecord(roomId)?.linkRequests.map(({ method, userAgent, status }) => ({ method, userAgent, status }))).toStrictEqual([
      { method: 'HEAD', userAgent: 'Go-http-client/1.1', status: 200 },
      { method: 'HEAD', userAgent: 'grab', status: 200 },
      { method: 'GET', userAgent: 'grab', status: 200 },
    ]);
  });

  it.each([
    ['sample.docx', DOCX],
    ['sample.pptx', PPTX],
    ['sample.xlsx', XLSX],
    ['sample.txt', 'text/plain; charset=utf-8'],
  ])('converts %s', async (sample, contentType) => {
    // Prepare
    const roomId = newRoom();

    // Act
    const response = await upload(simulator, roomId, { link: serve({ body: readSample(sample), contentType }, `${counter}-${sample}`) });

    // Assess
    expect(response.status).toBe(200);
  });

  it('checks Content-Type of a 403 HEAD', async () => {
    // Prepare
    const roomId = newRoom();
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF, head: { status: 403, contentType: 'application/xml' } });

    // Act
    const response = await upload(simulator, roomId, { link });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({ msg: "invalid MIME type: 'xml' is not an allowed file type", status: false, status_code: 'INTERNAL_SERVER_ERROR' });
    expect(requestsFor(link)).toHaveLength(1);
  });

  it('ignores the HEAD status when its Content-Type is allowed', async () => {
    // Prepare
    const roomId = newRoom();
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF, head: { status: 403, contentType: PDF } });

    // Act
    const response = await upload(simulator, roomId, { link });

    // Assess
    expect(response.status).toBe(200);
    expect(requestsFor(link).map((request) => request.method)).toStrictEqual(['HEAD', 'HEAD', 'GET']);
  });

  it('rejects a HEAD without Content-Type', async () => {
    // Prepare
    const link = serve({ body: readSample('sample.pdf') });

    // Act
    const response = await upload(simulator, newRoom(), { link });

    // Assess
    expect(response.json.msg).toBe('missing Content-Type header');
  });

  it('rejects application/octet-stream as undetermined', async () => {
    // Prepare
    const link = serve({ body: readSample('sample.pdf'), contentType: 'application/octet-stream' });

    // Act
    const response = await upload(simulator, newRoom(), { link });

    // Assess
    expect(response.json.msg).toBe("invalid MIME type: invalid: can't determine file type");
  });

  it('rejects a HEAD Content-Length over the limit', async () => {
    // Prepare
    const link = serve({ body: Buffer.alloc(64 * 1024 + 1, 0x20), contentType: PDF });

    // Act
    const response = await upload(simulator, newRoom(), { link });

    // Assess
    expect(response.json.msg).toBe(`file too large: allowed ${64 * 1024} bytes, got ${64 * 1024 + 1}`);
  });

  it('reports a failed GET with the status text', async () => {
    // Prepare
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF, getStatus: 403 });

    // Act
    const response = await upload(simulator, newRoom(), { link });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({ msg: 'failed to download file: server returned 403 Forbidden', status: false, status_code: 'INTERNAL_SERVER_ERROR' });
  });

  it('reports a refused connection in Go wording', async () => {
    // Prepare
    const closed = await startFileServer();
    await closed.stop();
    const link = `${closed.url}/gone.pdf`;

    // Act
    const response = await upload(simulator, newRoom(), { link });

    // Assess
    expect(response.json.msg).toBe(`failed to fetch file headers: Head "${link}": dial tcp ${new URL(link).host}: connect: connection refused`);
  });

  it('follows redirects and names the file after the final URL', async () => {
    // Prepare
    const roomId = newRoom();
    const target = serve({ body: readSample('sample.pdf'), contentType: PDF }, 'redirect-target.pdf');
    files.route('/files/short-link', (_req, res) => {
      res.statusCode = 302;
      res.setHeader('Location', target);
      res.end();
    });

    // Act
    const response = await upload(simulator, roomId, { link: `${files.url}/files/short-link` });

    // Assess
    expect(response.status).toBe(200);
    expect(lastRecord(roomId)?.filename).toBe('redirect-target.pdf');
  });
});

describe('transfer encodings', () => {
  it('decompresses a gzip body it asked for, as Go does', async () => {
    // Prepare
    const roomId = newRoom();
    const pdf = readSample('sample.pdf');
    const acceptEncodings: string[] = [];
    files.route('/files/gzipped.pdf', (req, res) => {
      acceptEncodings.push(`${req.method} ${req.headers['accept-encoding'] ?? ''}`);
      res.setHeader('Content-Type', PDF);
      if (req.method === 'HEAD') return res.end();
      res.setHeader('Content-Encoding', 'gzip');
      res.end(gzipSync(pdf));
    });

    // Act
    const response = await upload(simulator, roomId, { link: `${files.url}/files/gzipped.pdf` });

    // Assess
    expect(response.status).toBe(200);
    expect(acceptEncodings).toStrictEqual(['HEAD ', 'HEAD ', 'GET gzip']);
    expect(lastRecord(roomId)?.sha256).toBe(sha256(pdf));
  });
});

describe('restart', () => {
  it('drops in-flight uploads and keeps their locks', async () => {
    // Prepare
    const roomId = newRoom();
    simulator.injectFault({ kind: 'slow-conversion', extraMs: 30_000, roomId });
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF });
    const inFlight = upload(simulator, roomId, { link }).then(
      () => 'responded',
      () => 'connection lost',
    );
    await expect.poll(() => requestsFor(link).length).toBe(3);

    // Act
    await simulator.restart();
    const afterRestart = await upload(simulator, roomId, { link: serve({ body: readSample('sample.pdf'), contentType: PDF }) });

    // Assess
    expect(await inFlight).toBe('connection lost');
    expect(afterRestart.status).toBe(409);
    expect(simulator.uploads.find((record) => record.documentLink === link)).toMatchObject({ httpStatus: 0, message: 'the server process stopped before responding' });
    simulator.releaseLock(roomId);
  });
});

describe('crash on an unknown Content-Type', () => {
  it('crashes on binary/octet-stream and refuses requests until restart', async () => {
    // Prepare
    const roomId = newRoom();
    const otherRoom = newRoom();
    const crashesBefore = simulator.counters.crashes;
    const link = serve({ body: readSample('sample.pdf'), contentType: 'binary/octet-stream' });

    // Act
    const crashed = upload(simulator, roomId, { link });
    await expect(crashed).rejects.toThrow();
    const whileCrashed = upload(simulator, otherRoom, { link: serve({ body: readSample('sample.pdf'), contentType: PDF }) });
    await expect(whileCrashed).rejects.toThrow();
    const crashedFlag = simulator.crashed;
    await simulator.restart();
    const afterRestart = await upload(simulator, otherRoom, { link: serve({ body: readSample('sample.pdf'), contentType: PDF }) });

    // Assess
    expect(simulator.counters.crashes).toBe(crashesBefore + 1);
    expect(crashedFlag).toBe(true);
    expect(simulator.crashed).toBe(false);
    expect(afterRestart.status).toBe(200);
    expect(lastRecord(roomId)?.httpStatus).toBe(0);
  });

  it('leaves the crashed room locked until the lock is released or expires', async () => {
    // Prepare
    const roomId = newRoom();
    const crashed = upload(simulator, roomId, { link: serve({ body: readSample('sample.pdf'), contentType: 'binary/octet-stream' }) });
    await expect(crashed).rejects.toThrow();
    await simulator.restart();

    // Act
    const locked = await upload(simulator, roomId, { link: serve({ body: readSample('sample.pdf'), contentType: PDF }) });
    simulator.releaseLock(roomId);
    const unlocked = await upload(simulator, roomId, { link: serve({ body: readSample('sample.pdf'), contentType: PDF }) });

    // Assess
    expect(locked.status).toBe(409);
    expect(unlocked.status).toBe(200);
  });

  it('keeps serving control routes while crashed', async () => {
    // Prepare
    const crashed = upload(simulator, newRoom(), { link: serve({ body: readSample('sample.pdf'), contentType: 'binary/octet-stream' }) });
    await expect(crashed).rejects.toThrow();

    // Act
    const state = await fetch(`${simulator.url}/_simulator/state`).then((response) => response.json());
    const restart = await fetch(`${simulator.url}/_simulator/restart`, { method: 'POST' });

    // Assess
    expect(state).toStrictEqual({ crashed: true });
    expect(restart.status).toBe(200);
    expect(simulator.crashed).toBe(false);
  });
});

describe('file naming', () => {
  it('prefers the Content-Disposition filename and ignores the query', async () => {
    // Prepare
    const roomId = newRoom();
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF, contentDisposition: 'attachment; filename="Quarterly report.pdf"' }, 'abc123', '?X-Amz-Signature=deadbeef');

    // Act
    await upload(simulator, roomId, { link });

    // Assess
    expect(lastRecord(roomId)?.filename).toBe('Quarterly report.pdf');
  });

  it('uses the decoded last path segment without a Content-Disposition', async () => {
    // Prepare
    const roomId = newRoom();
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF }, 'My%20Deck%2Bv2.pdf', '?X-Amz-Signature=deadbeef');

    // Act
    await upload(simulator, roomId, { link });

    // Assess
    expect(lastRecord(roomId)?.filename).toBe('My Deck+v2.pdf');
  });

  it('decodes an RFC 5987 filename*', async () => {
    // Prepare
    const roomId = newRoom();
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF, contentDisposition: "attachment; filename*=UTF-8''M%C3%A9%20slides%281%29.pdf" });

    // Act
    await upload(simulator, roomId, { link });

    // Assess
    expect(lastRecord(roomId)?.filename).toBe('Mé slides(1).pdf');
  });

  it('falls back to the path when filename* holds an unencoded parenthesis', async () => {
    // Prepare
    const roomId = newRoom();
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF, contentDisposition: "attachment; filename*=UTF-8''slides(1).pdf" }, 'path-name.pdf');

    // Act
    await upload(simulator, roomId, { link });

    // Assess
    expect(lastRecord(roomId)?.filename).toBe('path-name.pdf');
  });

  it('stores the name through MakeSafeFilename', async () => {
    // Prepare
    const roomId = newRoom();
    const link = serve({ body: readSample('sample.pdf'), contentType: PDF, contentDisposition: 'attachment; filename="a:b?c.pdf"' });

    // Act
    await upload(simulator, roomId, { link });

    // Assess
    expect(lastRecord(roomId)?.filename).toBe('a_b_c.pdf');
  });

  it('fails when no file name can be determined', async () => {
    // Prepare
    files.route('/files/folder/', serveDocument({ body: readSample('sample.pdf'), contentType: PDF }));

    // Act
    const response = await upload(simulator, newRoom(), { link: `${files.url}/files/folder/` });

    // Assess
    expect(response.json.msg).toBe('failed to download file: no filename could be determined');
  });
});

describe('same-named files in the room folder', () => {
  it('reuses a same-named file of equal size without downloading', async () => {
    // Prepare
    const roomId = newRoom();
    const first = readSample('sample.pdf');
    const second = Buffer.from(first.toString('latin1').replace('plugNmeet simulator sample', 'A different document text!'), 'latin1');
    const reusesBefore = simulator.counters.staleReuses;
    const firstLink = serve({ body: first, contentType: PDF }, 'same-name.pdf', '?v=1');
    await upload(simulator, roomId, { link: firstLink });
    const secondLink = serve({ body: second, contentType: PDF }, 'same-name.pdf', '?v=2');

    // Act
    const response = await upload(simulator, roomId, { link: secondLink });

    // Assess
    expect(second.length).toBe(first.length);
    expect(response.status).toBe(200);
    expect(lastRecord(roomId)).toMatchObject({ reusedStaleFile: true, sha256: sha256(first) });
    expect(simulator.counters.staleReuses).toBe(reusesBefore + 1);
    // Both links share a path; the first upload made HEAD, HEAD, GET and the second no GET.
    expect(requestsFor(secondLink).map((request) => request.method)).toStrictEqual(['HEAD', 'HEAD', 'GET', 'HEAD', 'HEAD']);
  });

  it('fails with bad content length when the remote file is smaller', async () => {
    // Prepare
    const roomId = newRoom();
    await upload(simulator, roomId, { link: serve({ body: readSample('sample.pdf'), contentType: PDF }, 'shrinks.pdf') });
    const link = serve({ body: readSample('sample.pdf').subarray(0, 400), contentType: PDF }, 'shrinks.pdf');

    // Act
    const response = await upload(simulator, roomId, { link });

    // Assess
    expect(response.json).toStrictEqual({ msg: 'failed to download file: bad content length', status: false, status_code: 'INTERNAL_SERVER_ERROR' });
  });

  it('keeps old bytes when grab HEAD fails', async () => {
    // Prepare
    const roomId = newRoom();
    const longText = Buffer.from(`${'old line\n'.repeat(40)}`);
    const shortText = Buffer.from('new text\n');
    await upload(simulator, roomId, { link: serve({ body: longText, contentType: 'text/plain' }, 'notes.txt') });
    const link = serve({ body: shortText, contentType: 'text/plain', head: { status: 403, contentType: 'text/plain' } }, 'notes.txt');

    // Act
    const response = await upload(simulator, roomId, { link });

    // Assess
    expect(response.status).toBe(200);
    expect(lastRecord(roomId)).toMatchObject({ staleBytesKept: true, size: longText.length, reusedStaleFile: false });
    expect(lastRecord(roomId)?.sha256).toBe(sha256(Buffer.concat([shortText, longText.subarray(shortText.length)])));
  });

  it('appends with a Range request when the remote is larger and accepts ranges', async () => {
    // Prepare
    const roomId = newRoom();
    const shortText = Buffer.from('first version\n');
    const longText = Buffer.from(`second version with more lines\n${'more\n'.repeat(10)}`);
    await upload(simulator, roomId, { link: serve({ body: shortText, contentType: 'text/plain' }, 'grows.txt') });
    const link = serve({ body: longText, contentType: 'text/plain', acceptRanges: true }, 'grows.txt');

    // Act
    await upload(simulator, roomId, { link });

    // Assess
    expect(requestsFor(link).at(-1)).toStrictEqual({ method: 'GET', userAgent: 'grab', range: `bytes=${shortText.length}-` });
    expect(lastRecord(roomId)?.staleBytesKept).toBe(true);
  });

  it('downloads again into a new session folder after the room is recreated', async () => {
    // Prepare
    const roomId = newRoom();
    await upload(simulator, roomId, { link: serve({ body: readSample('sample.pdf'), contentType: PDF }, 'per-session.pdf') });
    simulator.endRoom(roomId);
    simulator.createRoom(roomId);

    // Act
    await upload(simulator, roomId, { link: serve({ body: readSample('sample.pdf'), contentType: PDF }, 'per-session.pdf') });

    // Assess
    expect(lastRecord(roomId)?.reusedStaleFile).toBe(false);
  });
});

describe('content sniffing and conversion', () => {
  it('rejects an image at conversion, after it passed allowed_types', async () => {
    // Prepare
    const roomId = newRoom();

    // Act
    const response = await upload(simulator, roomId, { link: serve({ body: readSample('photo.png'), contentType: 'image/png' }, 'photo.png') });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({ msg: 'conversion/broadcast failed: failed to convert file to PDF', status: false, status_code: 'INTERNAL_SERVER_ERROR' });
    expect(lastRecord(roomId)?.detectedType).toBe('png');
  });

  it('sniffs bytes, not the HEAD type', async () => {
    // Act
    const response = await upload(simulator, newRoom(), { link: serve({ body: readSample('photo.png'), contentType: PDF }) });

    // Assess
    expect(response.json.msg).toBe('conversion/broadcast failed: failed to convert file to PDF');
  });

  it('rejects CSV content served as PDF by its sniffed type', async () => {
    // Act
    const response = await upload(simulator, newRoom(), { link: serve({ body: Buffer.from('room,pages\na,1\nb,2\n'), contentType: PDF }) });

    // Assess
    expect(response.json).toStrictEqual({ msg: "'csv' is not an allowed file type", status: false, status_code: 'INTERNAL_SERVER_ERROR' });
  });

  it('converts plain text served as PDF, because its sniffed type is txt', async () => {
    // Prepare
    const roomId = newRoom();

    // Act
    const response = await upload(simulator, roomId, { link: serve({ body: Buffer.from('just words'), contentType: PDF }) });

    // Assess
    expect(response.status).toBe(200);
    expect(lastRecord(roomId)?.detectedType).toBe('txt');
  });

  it('rejects a downloaded file over the limit when HEAD gave no length', async () => {
    // Prepare
    files.route('/files/chunked.txt', (req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      if (req.method === 'HEAD') return res.end();
      res.write(Buffer.alloc(40 * 1024, 0x61));
      res.end(Buffer.alloc(40 * 1024, 0x61));
    });

    // Act
    const response = await upload(simulator, newRoom(), { link: `${files.url}/files/chunked.txt` });

    // Assess
    expect(response.json.msg).toBe(`downloaded file is too large: allowed ${64 * 1024} bytes, got ${80 * 1024}`);
  });

  it('fails the page count of a PDF without pages', async () => {
    // Act
    const response = await upload(simulator, newRoom(), { link: serve({ body: Buffer.from('%PDF-1.4\n% no objects\n%%EOF\n'), contentType: PDF }) });

    // Assess
    expect(response.json.msg).toBe('conversion/broadcast failed: failed to count PDF pages');
  });
});

describe('direct document upload', () => {
  it('stores and converts an uploaded PDF under its safe name', async () => {
    // Prepare
    const roomId = newRoom();
    const pdf = readSample('sample.pdf');

    // Act
    const response = await upload(simulator, roomId, { document: { filename: 'My:Deck.pdf', content: pdf } });

    // Assess
    expect(response.status).toBe(200);
    expect(lastRecord(roomId)).toMatchObject({ source: 'document', filename: 'My_Deck.pdf', sha256: sha256(pdf), detectedType: 'pdf' });
  });

  it('returns 500 when an uploaded image cannot be converted', async () => {
    // Act
    const response = await upload(simulator, newRoom(), { document: { filename: 'photo.png', content: readSample('photo.png') } });

    // Assess
    expect(response.status).toBe(500);
    expect(response.json).toStrictEqual({ msg: 'failed to convert file to PDF', status: false, status_code: 'INTERNAL_SERVER_ERROR' });
  });

  it('sniffs the content, not the name, of an uploaded file', async () => {
    // Act
    const response = await upload(simulator, newRoom(), { document: { filename: 'slides.pdf', content: Buffer.from('a,b\n1,2\n3,4\n'), type: PDF } });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toStrictEqual({ msg: "'csv' is not an allowed file type", status: false, status_code: 'INVALID_PARAMETERS' });
  });

  it('returns 413 in the fiber.Map style for a file over the limit', async () => {
    // Act
    const response = await upload(simulator, newRoom(), { document: { filename: 'big.txt', content: Buffer.alloc(64 * 1024 + 1, 0x61) } });

    // Assess
    expect(response.status).toBe(413);
    expect(response.json).toStrictEqual({ msg: 'Request Entity Too Large', status: false, status_code: 'INVALID_PARAMETERS' });
  });
});

describe('waitForUploads', () => {
  it('rejects when too few uploads finish in time', async () => {
    // Act
    const waiting = simulator.waitForUploads(simulator.uploads.length + 1, 50);

    // Assess
    await expect(waiting).rejects.toThrow(/Timed out after 50 ms/);
  });

  it('resolves once the uploads have finished', async () => {
    // Prepare
    const target = simulator.uploads.length + 1;
    const sending = upload(simulator, newRoom(), { link: serve({ body: readSample('sample.pdf'), contentType: PDF }) });

    // Act
    await simulator.waitForUploads(target);

    // Assess
    expect(simulator.uploads.length).toBeGreaterThanOrEqual(target);
    await sending;
  });
});

describe('non-default settings', () => {
  it('honours a custom allowed_types list', async () => {
    // Prepare
    const strict = await startPlugnmeetSimulator({ apiKey: API_KEY, apiSecret: 'simulator-test-secret', conversionMs: 0, allowedTypes: ['pdf'] });
    strict.createRoom('strict-room');

    // Act
    const response = await upload(strict, 'strict-room', { link: serve({ body: readSample('sample.docx'), contentType: DOCX }) });

    // Assess
    expect(response.json.msg).toBe("invalid MIME type: 'docx' is not an allowed file type");
    await strict.stop();
  });

  it('times out the first HEAD after headTimeoutMs', async () => {
    // Prepare
    const impatient = await startPlugnmeetSimulator({ apiKey: API_KEY, apiSecret: 'simulator-test-secret', headTimeoutMs: 100 });
    impatient.createRoom('slow-room');
    files.route('/files/never.pdf', () => {
      // Never responds, so the simulator's HEAD must time out.
    });
    const link = `${files.url}/files/never.pdf`;

    // Act
    const response = await upload(impatient, 'slow-room', { link });

    // Assess
    expect(response.json.msg).toBe(`failed to fetch file headers: Head "${link}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
    await impatient.stop();
  });
});
