import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Local servers for the plugNmeet client tests, all bound to 127.0.0.1 on an ephemeral port. */

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** A one-page PDF, enough for content sniffing to report `pdf`. */
export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** A valid 1x1 PNG: sniffed as `png`, which the server accepts but cannot convert to PDF. */
export const PNG_BYTES = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c6360000200000500017a5e' +
    'ab3f0000000049454e44ae426082',
  'hex',
);

export type DocumentKind = 'pdf' | 'png' | 'missing';

/** A server for `document_link` targets; every link gets a unique file name. */
export interface DocumentServer {
  url: string;
  /** Returns a new link: a PDF, a PNG image, or a 404 HTML page. */
  createLink(kind: DocumentKind): string;
  close(): Promise<void>;
}

/** Starts a document server that serves HEAD and GET for the links it created. */
export async function startDocumentServer(): Promise<DocumentServer> {
  const documents = new Map<string, { kind: DocumentKind; filename: string }>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const document = documents.get(path);
    if (!document || document.kind === 'missing') {
      const page = Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>');
      response.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': page.length });
      response.end(request.method === 'HEAD' ? undefined : page);
      return;
    }
    const bytes = document.kind === 'pdf' ? PDF_BYTES : PNG_BYTES;
    response.writeHead(200, {
      'Content-Type': document.kind === 'pdf' ? 'application/pdf' : 'image/png',
      'Content-Length': bytes.length,
      'Content-Disposition': `attachment; filename="${document.filename}"`,
    });
    response.end(request.method === 'HEAD' ? undefined : bytes);
  });
  const url = await listen(server);
  return {
    url,
    createLink(kind) {
      const id = randomUUID();
      const extension = kind === 'png' ? 'png' : 'pdf';
      const path = `/files/${id}.${extension}`;
      documents.set(path, { kind, filename: `slides-${id}.${extension}` });
      // The query string imitates a link token, which must never reach a log.
      return `${url}${path}?token=secret-link-token-${id}`;
    },
    close: () => close(server),
  };
}

/** One request as the canned server received it. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Client port of the connection, which distinguishes connections. */
  remotePort: number | undefined;
}

/** A stand-in server that records each request and sends whatever the test's responder writes. */
export interface CannedServer {
  url: string;
  requests: CapturedRequest[];
  respondWith(responder: (response: ServerResponse, request: CapturedRequest) => void): void;
  close(): Promise<void>;
}

/**
 * Starts a server that plays responses the plugNmeet simulator does not produce: a Fiber 413 or
 * 404 text body, a redirect, protojson with other whitespace, malformed participant metadata.
 */
export async function startCannedServer(): Promise<CannedServer> {
  const requests: CapturedRequest[] = [];
  let responder: (response: ServerResponse, request: CapturedRequest) => void = (response) => {
    response.writeHead(500).end();
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const captured: CapturedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
        remotePort: request.socket.remotePort,
      };
      requests.push(captured);
      responder(response, captured);
    });
  });
  const url = await listen(server);
  return {
    url,
    requests,
    respondWith(next) {
      responder = next;
    },
    close: () => close(server),
  };
}

/** Writes a JSON body exactly as given, so tests control whitespace and key order. */
export function sendJson(response: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** Awaits `promise` and returns what it rejected with, failing the test when it resolves. */
export async function catchError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

/** Returns a port on 127.0.0.1 that nothing listens on. */
export async function findClosedPort(): Promise<number> {
  const server = createServer();
  const url = await listen(server);
  await close(server);
  return Number(new URL(url).port);
}
