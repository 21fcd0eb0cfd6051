import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const CLI_PATH = fileURLToPath(new URL('../../bin/pnm-bridge.js', import.meta.url));

/** Output and exit status of one CLI run. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/pnm-bridge.js ARGS` in `cwd`. The child gets this process's environment without
 * any `PNM_BRIDGE_*` variable, plus `env`, so a developer's own settings never reach a test.
 */
export async function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('PNM_BRIDGE_')) env[name] = value;
  }
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: options.cwd, env: { ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, stdout, stderr };
}

/** One request that the fake bridge API received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the fake bridge API does with a request: send a response, or break the connection. */
export type FakeReply = { status: number; json?: unknown; text?: string } | { destroySocket: true };

/** A node:http server on 127.0.0.1 that plays the bridge API with scripted replies. */
export interface FakeBridgeApi {
  url: string;
  requests: RecordedRequest[];
  /** Sets the reply to every following request. */
  reply(next: FakeReply): void;
  stop(): Promise<void>;
}

export async function startFakeBridgeApi(): Promise<FakeBridgeApi> {
  const requests: RecordedRequest[] = [];
  let next: FakeReply = { status: 500, text: 'no reply scripted' };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if ('destroySocket' in next) {
        request.socket.destroy();
        return;
      }
      const isJson = next.json !== undefined;
      response.writeHead(next.status, { 'content-type': isJson ? 'application/json' : 'text/plain' });
      response.end(isJson ? JSON.stringify(next.json) : (next.text ?? ''));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (reply) => {
      next = reply;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Returns a port on 127.0.0.1 that nothing listens on: one the system just handed out and that was closed again. */
export async function findClosedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
