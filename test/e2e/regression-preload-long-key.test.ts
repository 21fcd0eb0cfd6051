import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/local-stack';

// The README promises that a bad key does not reject a preload batch. A key over S3's 1,024-byte
// limit is rejected by the push route before any S3 call, but the preload route sends it to S3,
// and the whole batch then fails with a retryable 503 that no retry can fix.
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.putSample('files/sample.pdf', 'sample.pdf');
});

afterAll(async () => {
  await stack?.stop();
});

describe('regression: preload with an over-long key', () => {
  it('rejects only the over-long key', async () => {
    // Prepare
    const longKey = `files/${'x'.repeat(1_100)}.pdf`;

    // Act
    const response = await stack.api('/rooms/long-key-room/preloads', { keys: ['files/sample.pdf', longKey] });

    // Assess
    expect(response.status).toBe(202);
    const body = response.body as { accepted: Array<{ key: string }>; rejected: Array<{ key: string; code: string }> };
    expect(body.accepted.map((item) => item.key)).toStrictEqual(['files/sample.pdf']);
    expect(body.rejected.map((item) => [item.key, item.code])).toStrictEqual([[longKey, 'INVALID_INPUT']]);
  });
});
