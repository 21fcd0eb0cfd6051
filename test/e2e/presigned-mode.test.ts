import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import { startTestStack, type TestStack } from '../helpers/local-stack';

// LINK_MODE=presigned hands the server a raw presigned S3 GET URL. plugNmeet's HEAD pre-flight
// gets S3's 403 application/xml for it, which is why proxy mode is the default.
let stack: TestStack;
let simulator: PlugnmeetSimulator;

beforeAll(async () => {
  stack = await startTestStack({ settings: { LINK_MODE: 'presigned' } });
  simulator = stack.simulator as PlugnmeetSimulator;
  simulator.createRoom('presigned-room');
  await stack.putSample('files/sample.pdf', 'sample.pdf');
});

afterAll(async () => {
  await stack?.stop();
});

describe('presigned link mode', () => {
  it('is rejected by a server that validates the HEAD content type', async () => {
    // Act
    const response = await stack.api('/rooms/presigned-room/files', { key: 'files/sample.pdf' });

    // Assess
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'FILE_REJECTED' });
    expect((response.body as { message: string }).message).toContain("'xml' is not an allowed file type");
    expect(simulator.uploads.at(-1)?.linkRequests[0]).toMatchObject({ method: 'HEAD', status: 403 });
    expect(simulator.counters.crashes).toBe(0);
  });
});
