import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import { readSample, startTestStack, waitFor, type TestStack } from '../helpers/local-stack';

// End to end on the local stack: S3 stand-in → ingest → fauxqs FIFO queue → worker → simulator.
let stack: TestStack;
let simulator: PlugnmeetSimulator;

function uploadsOf(roomId: string) {
  return simulator.uploads.filter((upload) => upload.roomId === roomId);
}

function deliveredOf(roomId: string) {
  return uploadsOf(roomId).filter((upload) => upload.httpStatus === 200);
}

beforeAll(async () => {
  stack = await startTestStack({ settings: { UPLOAD_TIMEOUT_MS: '1500' } });
  simulator = stack.simulator as PlugnmeetSimulator;
});

afterAll(async () => {
  await stack?.stop();
});

describe('upload queue', () => {
  it('delivers 3 rooms × 4 files in order, one at a time per room', async () => {
    // Prepare
    const rooms = ['order-a', 'order-b', 'order-c'];
    for (const roomId of rooms) simulator.createRoom(roomId);
    const pdf = await readSample('sample.pdf');

    // Act: each room's files are written one after another; the rooms are written side by side.
    await Promise.all(
      rooms.map(async (roomId) => {
        for (let index = 1; index <= 4; index++) await stack.putObject(`rooms/${roomId}/deck-${index}.pdf`, pdf, 'application/pdf');
      }),
    );
    await waitFor(() => rooms.every((roomId) => deliveredOf(roomId).length === 4), 'all 12 files delivered');

    // Assess
    for (const roomId of rooms) {
      const names = deliveredOf(roomId).map((upload) => (upload.filename ?? '').slice(0, 6));
      expect(names).toStrictEqual(['deck-1', 'deck-2', 'deck-3', 'deck-4']);
      expect(uploadsOf(roomId)).toHaveLength(4);
      expect(simulator.counters.maxConcurrentByRoom[roomId]).toBe(1);
    }
    expect(simulator.counters.concurrentViolations).toBe(0);
  });

  it('delivers a file after another uploader releases the room lock', async () => {
    // Prepare
    simulator.createRoom('locked-room');
    simulator.holdLock('locked-room', 60_000);
    const conflictsBefore = simulator.counters.conflicts;

    // Act
    await stack.putSample('rooms/locked-room/slides.pdf', 'sample.pdf');
    await waitFor(() => simulator.counters.conflicts > conflictsBefore, 'a 409 from the held lock');
    simulator.releaseLock('locked-room');
    await waitFor(() => deliveredOf('locked-room').length === 1, 'the file delivered after the release');

    // Assess
    expect(uploadsOf('locked-room').filter((upload) => upload.httpStatus === 409).length).toBeGreaterThan(0);
    expect(deliveredOf('locked-room')).toHaveLength(1);
  });

  it('delivers a file once its room is created', async () => {
    // Act: the file arrives before the room exists.
    await stack.putSample('rooms/late-room/agenda.docx', 'sample.docx');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    simulator.createRoom('late-room');
    await waitFor(() => deliveredOf('late-room').length === 1, 'the file delivered once the room exists');

    // Assess
    expect(deliveredOf('late-room')[0]?.detectedType).toBe('docx');
  });

  it('does not send a timed-out upload again', async () => {
    // Prepare: the conversion outlasts the worker's 1.5 s upload timeout.
    simulator.createRoom('slow-room');
    simulator.injectFault({ kind: 'slow-conversion', extraMs: 2_500, roomId: 'slow-room' });

    // Act
    await stack.putSample('rooms/slow-room/1-long.pptx', 'sample.pptx');
    await stack.putSample('rooms/slow-room/2-next.pdf', 'sample.pdf');
    await waitFor(() => deliveredOf('slow-room').length === 2, 'both files delivered', 45_000);

    // Assess: one upload request per file, none of them a second send of the slow one.
    const names = uploadsOf('slow-room').map((upload) => upload.filename ?? '');
    expect(names.filter((name) => name.startsWith('1-long'))).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('2-next'))).toHaveLength(1);
    expect(simulator.counters.concurrentViolations).toBe(0);

    // The server never confirmed the slow file, so a failure record asks an operator to check the room.
    const failures = (await stack.drainFailureRecords()).filter((failure) => failure.job?.roomId === 'slow-room');
    expect(failures.map((failure) => [failure.code, failure.job?.key])).toStrictEqual([['UPLOAD_UNCONFIRMED', 'rooms/slow-room/1-long.pptx']]);
  });

  it('sends a file again after the server restarts mid-conversion', async () => {
    // Prepare: the restart ends the conversion, as a real process restart does.
    simulator.createRoom('restart-room');
    simulator.injectFault({ kind: 'slow-conversion', extraMs: 1_500, roomId: 'restart-room' });

    const requestsBefore = simulator.counters.uploadRequests;

    // Act
    await stack.putSample('rooms/restart-room/deck.pdf', 'sample.pdf');
    await waitFor(() => simulator.counters.uploadRequests > requestsBefore, 'the first upload request');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await simulator.restart();
    await waitFor(() => deliveredOf('restart-room').length === 1, 'the file delivered after the restart', 45_000);

    // Assess: the first attempt died with the process and a later one delivered the file.
    expect(uploadsOf('restart-room')[0]?.httpStatus).toBe(0);
    expect(deliveredOf('restart-room')).toHaveLength(1);
  });

  it('skips a replaced object whose newer version has its own event', async () => {
    // Prepare: the room's lock is held, so the first version waits in the queue while it is replaced.
    simulator.createRoom('replace-room');
    simulator.holdLock('replace-room', 60_000);

    // Act
    await stack.putObject('rooms/replace-room/notes.txt', 'first version\n', 'text/plain');
    await waitFor(() => uploadsOf('replace-room').length > 0, 'a 409 for the first version');
    await stack.putObject('rooms/replace-room/notes.txt', 'second version, longer\n', 'text/plain');
    simulator.releaseLock('replace-room');
    await waitFor(() => deliveredOf('replace-room').length === 1, 'the second version delivered');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const failures = (await stack.drainFailureRecords()).filter((failure) => failure.job?.roomId === 'replace-room');

    // Assess: only the newer bytes arrive, once, and the superseded version is no failure.
    expect(deliveredOf('replace-room')).toHaveLength(1);
    expect(deliveredOf('replace-room')[0]?.size).toBe(Buffer.byteLength('second version, longer\n'));
    expect(failures).toStrictEqual([]);
  });

  it('records a file the server rejects, with its reason', async () => {
    // Prepare: PNG bytes stored as a PDF pass the bridge's checks; the server sniffs and rejects them.
    simulator.createRoom('reject-room');
    const png = await readSample('photo.png');

    // Act
    await stack.putObject('rooms/reject-room/not-really.pdf', png, 'application/pdf');
    let failures: Awaited<ReturnType<TestStack['drainFailureRecords']>> = [];
    await waitFor(async () => {
      failures.push(...(await stack.drainFailureRecords()));
      return failures.some((failure) => failure.job?.roomId === 'reject-room');
    }, 'a failure record');
    failures = failures.filter((failure) => failure.job?.roomId === 'reject-room');

    // Assess
    expect(failures).toHaveLength(1);
    expect(failures[0]?.code).toBe('FILE_REJECTED');
    expect(failures[0]?.reason).toMatch(/convert/);
    expect(failures[0]?.job?.key).toBe('rooms/reject-room/not-really.pdf');
  });

  it('records an image without calling the server', async () => {
    // Prepare
    simulator.createRoom('image-room');

    // Act
    await stack.putSample('rooms/image-room/photo.png', 'photo.png');
    const failures: Awaited<ReturnType<TestStack['drainFailureRecords']>> = [];
    await waitFor(async () => {
      failures.push(...(await stack.drainFailureRecords()));
      return failures.some((failure) => failure.job?.roomId === 'image-room');
    }, 'a failure record');

    // Assess
    const failure = failures.find((item) => item.job?.roomId === 'image-room');
    expect(failure?.code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(uploadsOf('image-room')).toHaveLength(0);
  });

  it('delivers a re-upload of the same key again, under a new name', async () => {
    // Prepare
    simulator.createRoom('again-room');

    // Act
    await stack.putObject('rooms/again-room/notes.txt', 'first version\n', 'text/plain');
    await waitFor(() => deliveredOf('again-room').length === 1, 'the first version delivered');
    await stack.putObject('rooms/again-room/notes.txt', 'second version, longer\n', 'text/plain');
    await waitFor(() => deliveredOf('again-room').length === 2, 'the second version delivered');

    // Assess
    const [first, second] = deliveredOf('again-room');
    expect(first?.filename).not.toBe(second?.filename);
    expect(first?.sha256).not.toBe(second?.sha256);
    expect(simulator.counters.staleReuses).toBe(0);
  });

  it('delivers a preload in order once the room starts', async () => {
    // Prepare
    const keys = ['preload/3-c.pdf', 'preload/1-a.pdf', 'preload/2-b.pdf'];
    for (const key of keys) await stack.putSample(key, 'sample.pdf');

    // Act
    const response = await stack.api('/rooms/preload-room/preloads', { keys });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    simulator.createRoom('preload-room');
    await waitFor(() => deliveredOf('preload-room').length === 3, 'the preload delivered');

    // Assess
    expect(response.status).toBe(202);
    expect(deliveredOf('preload-room').map((upload) => (upload.filename ?? '').slice(0, 3))).toStrictEqual(['3-c', '1-a', '2-b']);
  });

  it('never crashed or reused a stale file on the simulator', () => {
    expect(simulator.counters.crashes).toBe(0);
    expect(simulator.counters.staleReuses).toBe(0);
  });
});
