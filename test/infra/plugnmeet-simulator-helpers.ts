import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';

export const API_KEY = 'simulator-test-key';
export const API_SECRET = 'simulator-test-secret';
export const UPLOAD_PATH = '/auth/room/uploadWhiteboardFile';

const SAMPLES_FOLDER = join(import.meta.dirname, '..', '..', 'infra', 'local', 'samples');

/** Reads a committed sample document. */
export function readSample(name: string): Buffer {
  return readFileSync(join(SAMPLES_FOLDER, name));
}

/** Computes the lowercase hex HMAC-SHA256 the server expects, independently of lib/. */
export function sign(data: string | Buffer, secret = API_SECRET): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/** A response read whole: status, Content-Type, raw text and parsed JSON (when it parses). */
export interface ReadResponse {
  status: number;
  contentType: string;
  text: string;
  json: Record<string, unknown>;
}

export async function readResponse(response: Response): Promise<ReadResponse> {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Plain-text responses (404, 413, injected faults) have no JSON.
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

/** POSTs a JSON body signed over its raw bytes. */
export async function postSignedJson(simulator: PlugnmeetSimulator, path: string, body: unknown, headers: Record<string, string> = {}): Promise<ReadResponse> {
  const text = JSON.stringify(body);
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign(text), ...headers },
    body: text,
  });
  return readResponse(response);
}

export interface UploadOptions {
  link?: string;
  document?: { filename: string; content: Buffer; type?: string };
  headers?: Record<string, string>;
}

/** Sends `uploadWhiteboardFile` as multipart, signed over the Room-Id header as the server requires. */
export async function upload(simulator: PlugnmeetSimulator, roomId: string, options: UploadOptions): Promise<ReadResponse> {
  const form = new FormData();
  if (options.link !== undefined) form.append('document_link', options.link);
  if (options.document) {
    form.append('document', new Blob([options.document.content], { type: options.document.type ?? 'application/octet-stream' }), options.document.filename);
  }
  const response = await fetch(`${simulator.url}${UPLOAD_PATH}`, {
    method: 'POST',
    headers: { 'API-KEY': API_KEY, 'HASH-SIGNATURE': sign(roomId), 'Room-Id': roomId, ...options.headers },
    body: form,
  });
  return readResponse(response);
}

/** One request the local file server received. */
export interface FileRequest {
  method: string;
  path: string;
  userAgent: string;
  range?: string;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** How a route responds to HEAD and GET. HEAD gets the same headers as GET unless `head` overrides them. */
export interface DocumentRoute {
  body: Buffer;
  contentType?: string;
  contentDisposition?: string;
  acceptRanges?: boolean;
  /** HEAD response of the route, like S3's to a GET-presigned URL: for example 403 with XML. */
  head?: { status: number; contentType?: string };
  /** HEAD response to grab only (User-Agent `grab`), when it differs from the server's own HEAD. */
  grabHead?: { status: number; contentType?: string };
  getStatus?: number;
}

/** Builds a handler that serves a document by the rules of `route`. */
export function serveDocument(route: DocumentRoute): RouteHandler {
  return (req, res) => {
    const isHead = req.method === 'HEAD';
    let headOverride: DocumentRoute['head'];
    if (isHead) headOverride = req.headers['user-agent'] === 'grab' ? route.grabHead ?? route.head : route.head;
    const status = headOverride?.status ?? (isHead ? 200 : route.getStatus ?? 200);
    const contentType = headOverride ? headOverride.contentType : route.contentType;
    if (contentType !== undefined) res.setHeader('Content-Type', contentType);
    if (route.contentDisposition && !headOverride) res.setHeader('Content-Disposition', route.contentDisposition);
    if (route.acceptRanges && !headOverride) res.setHeader('Accept-Ranges', 'bytes');
    const body = status >= 200 && status < 300 && !headOverride ? route.body : Buffer.from('<Error><Code>AccessDenied</Code></Error>');
    res.setHeader('Content-Length', body.length);
    res.statusCode = status;
    res.end(isHead ? undefined : body);
  };
}

export interface FileServer {
  url: string;
  requests: FileRequest[];
  /** Sets or replaces the handler of a path (without the query). */
  route(path: string, handler: RouteHandler): void;
  stop(): Promise<void>;
}

/** Starts a tiny HTTP file server on 127.0.0.1 that records every request. */
export async function startFileServer(): Promise<FileServer> {
  const routes = new Map<string, RouteHandler>();
  const requests: FileRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const request: FileRequest = { method: req.method ?? '', path, userAgent: req.headers['user-agent'] ?? '' };
    if (req.headers.range) request.range = req.headers.range;
    requests.push(request);
    const handler = routes.get(path);
    if (handler) return handler(req, res);
    res.statusCode = 404;
    res.end('missing');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (path, handler) => routes.set(path, handler),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
