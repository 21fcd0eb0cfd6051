import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { captureLogs } from '../helpers/log-capture';

// When plugNmeet cannot fetch the document link, its error message is Go's url.Error, which
// quotes the whole URL: `failed to fetch file headers: Head "<link>": …`. The bridge passes that
// message on, so the link token (a bearer credential for the object) reaches the API response and
// the logs.
let stack: TestStack;
let simulator: PlugnmeetSimulator;

/** Returns a port on 127.0.0.1 that nothing listens on. */
async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await findClosedPort();
  stack = await startTestStack({ settings: { LINK_BASE_URL: `http://127.0.0.1:${port}/links`, POWERTOOLS_LOG_LEVEL: 'DEBUG' } });
  simulator = stack.simulator as PlugnmeetSimulator;
  simulator.createRoom('leak-room');
  await stack.putSample('files/sample.pdf', 'sample.pdf');
});

afterAll(async () => {
  await stack?.stop();
});

describe('regression: link token in server errors', () => {
  it('stays out of response and logs', async () => {
    // Prepare
    const logs = captureLogs();

    // Act
    let body: unknown;
    try {
      ({ body } = await stack.api('/rooms/leak-room/files', { key: 'files/sample.pdf' }));
    } finally {
      logs.restore();
    }

    // Assess
    const link = simulator.uploads.at(-1)?.documentLink ?? '';
    const token = link.split('/links/')[1]?.split('/')[0] ?? '';
    expect(token.length).toBeGreaterThan(40);
    expect(JSON.stringify(body)).not.toContain(token);
    expect(logs.text()).not.toContain(token);
  });
});
