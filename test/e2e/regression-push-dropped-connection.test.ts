import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import { startTestStack, type TestStack } from '../helpers/local-stack';

// The push route answers 202 "it will appear on the whiteboard" for every upload whose connection
// broke after it was sent. When the server dropped the request without processing it (a restart,
// a crash, a load balancer reset), the file never appears, and the caller was told it would.
let stack: TestStack;
let simulator: PlugnmeetSimulator;

beforeAll(async () => {
  stack = await startTestStack({ settings: { PUSH_WAIT_MS: '5000' } });
  simulator = stack.simulator as PlugnmeetSimulator;
  simulator.createRoom('drop-room');
  await stack.putSample('files/sample.pdf', 'sample.pdf');
});

afterAll(async () => {
  await stack?.stop();
});

describe('regression: push after a dropped connection', () => {
  it('does not promise an unprocessed upload', async () => {
    // Prepare
    simulator.injectFault({ kind: 'drop-connection', roomId: 'drop-room' });

    // Act
    const response = await stack.api('/rooms/drop-room/files', { key: 'files/sample.pdf' });

    // Assess: the server answered nothing and stored nothing.
    expect(simulator.uploads.filter((upload) => upload.roomId === 'drop-room').map((upload) => upload.httpStatus)).toStrictEqual([0]);
    expect((response.body as { status?: string }).status).not.toBe('accepted');
  });
});
