import { createServer, request as forwardRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlugnmeetSimulator, type PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import { startTestStack, waitFor, type TestStack } from '../helpers/local-stack';

// plugNmeet usually runs behind a reverse proxy or load balancer. When the conversion outlasts the
// proxy's read timeout (nginx's proxy_read_timeout defaults to 60 s, per ngx_http_proxy_module), the proxy answers 504 while
// the server behind it keeps converting and then adds the file. The upload reached the server, so
// sending it again puts a second copy on the whiteboard.
const PROXY_TIMEOUT_MS = 300;

let stack: TestStack;
let simulator: PlugnmeetSimulator;
let proxy: Server;

/** Starts a proxy that forwards to the simulator and answers 504 when no response came in time. */
async function startTimingOutProxy(upstreamUrl: string): Promise<Server> {
  const upstream = new URL(upstreamUrl);
  const server = createServer((request, response) => {
    const forward = forwardRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (upstreamResponse) => {
        if (response.headersSent) {
          upstreamResponse.resume();
          return;
        }
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forward.on('error', () => undefined);
    request.pipe(forward);
    setTimeout(() => {
      if (response.headersSent) return;
      response.writeHead(504, { 'content-type': 'text/html' });
      response.end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
    }, PROXY_TIMEOUT_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}


beforeAll(async () => {
  simulator = await startPlugnmeetSimulator({ apiKey: 'proxy-key', apiSecret: 'proxy-secret', conversionMs: 1_500, lockTtlMs: 3_000 });
  proxy = await startTimingOutProxy(simulator.url);
  const { port } = proxy.address() as AddressInfo;
  stack = await startTestStack({ plugnmeet: { url: `http://127.0.0.1:${port}`, apiKey: 'proxy-key', apiSecret: 'proxy-secret' } });
  simulator.createRoom('proxy-room');
});

afterAll(async () => {
  await stack?.stop();
  await simulator?.stop();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
});

describe('regression: 504 from a proxy in front of plugNmeet', () => {
  it('delivers once despite a proxy 504', async () => {
    // Prepare
    const delivered = () => simulator.uploads.filter((upload) => upload.roomId === 'proxy-room' && upload.httpStatus === 200);

    // Act
    await stack.putSample('rooms/proxy-room/deck.pdf', 'sample.pdf');
    await waitFor(async () => delivered().length >= 2 || (delivered().length === 1 && (await stack.countQueuedMessages()) === 0), 'a second copy, or the message settled', 25_000);

    // Assess
    expect(delivered().map((upload) => upload.filename?.replace(/-[a-z0-9]{8}\.pdf$/, '.pdf'))).toStrictEqual(['deck.pdf']);
  });
});
