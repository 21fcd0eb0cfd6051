import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import type { FailureRecord } from '../../lib/failure-record';
import { startTestStack, waitFor, type TestStack } from '../helpers/local-stack';

// A conversion outlasts the worker's upload timeout, so the worker records the attempt and waits
// for the room lock to expire. The server restarts before the conversion ends: the file was
// downloaded but never added to the whiteboard. The next receive finds the download record and
// settles the message as delivered, so the file is neither on the whiteboard nor on the failure
// queue.
const UPLOAD_TIMEOUT_MS = 1_500;
const SLOW_CONVERSION_EXTRA_MS = 5_000;

let stack: TestStack;
let simulator: PlugnmeetSimulator;


beforeAll(async () => {
  stack = await startTestStack({ settings: { UPLOAD_TIMEOUT_MS: String(UPLOAD_TIMEOUT_MS) } });
  simulator = stack.simulator as PlugnmeetSimulator;
});

afterAll(async () => {
  await stack?.stop();
});

describe('regression: server restart after a timed-out upload', () => {
  it('delivers or records a file whose conversion a restart cut', async () => {
    // Prepare
    simulator.createRoom('restart-room');
    simulator.injectFault({ kind: 'slow-conversion', extraMs: SLOW_CONVERSION_EXTRA_MS, roomId: 'restart-room' });
    const requestsBefore = simulator.counters.uploadRequests;

    // Act: restart once the worker has given up waiting, while the server is still converting.
    await stack.putSample('rooms/restart-room/deck.pdf', 'sample.pdf');
    await waitFor(() => simulator.counters.uploadRequests > requestsBefore, 'the upload request to reach the server');
    await new Promise((resolve) => setTimeout(resolve, UPLOAD_TIMEOUT_MS + 1_000));
    await simulator.restart();
    await waitFor(async () => (await stack.countQueuedMessages()) === 0, 'the message settled', 40_000);
    const failures: FailureRecord[] = (await stack.drainFailureRecords()).filter((failure) => failure.job?.roomId === 'restart-room');
    const delivered = simulator.uploads.filter((upload) => upload.roomId === 'restart-room' && upload.httpStatus === 200);

    // Assess: exactly one of the two outcomes, never neither.
    expect(delivered.length + failures.length).toBe(1);
  });
});
