import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { LinkRequestRecord } from './types';

/** Go's `http.StatusText` where it differs from Node's `STATUS_CODES`; codes Go does not name are empty. */
const GO_STATUS_TEXT: Record<number, string> = {
  413: 'Request Entity Too Large',
  414: 'Request URI Too Long',
  416: 'Requested Range Not Satisfiable',
  509: '',
};

/** Go's status text for grab's `server returned <code> <text>` error. */
export function goStatusText(status: number): string {
  return GO_STATUS_TEXT[status] ?? http.STATUS_CODES[status] ?? '';
}

/** A failed exchange, with the text Go's client would put in its error. */
export class GoHttpError extends Error {
  override readonly name = 'GoHttpError';
}

/** A failure while reading the body, which grab reports without the `<Op> "<url>":` prefix. */
export class GoBodyReadError extends GoHttpError {}

/** The simulated process died (crash or restart) while the request was running. */
export class ProcessDiedError extends Error {
  override readonly name = 'ProcessDiedError';
}

/** A response as Go's client hands it over: the first value of each header, and the final URL. */
export interface GoResponse {
  status: number;
  headers: Record<string, string>;
  /** Go's `ContentLength`: the header value, or -1 when unknown. */
  contentLength: number;
  finalUrl: URL;
  /** The request target (path and query, still escaped) sent to the final URL. */
  finalTarget: string;
  /** The body, for GET requests with `readBody`. */
  body?: Buffer;
}

export interface GoRequestOptions {
  method: 'HEAD' | 'GET';
  /** The first URL, its text as the caller wrote it, and the raw request target (path and query) to send. */
  url: URL;
  urlText: string;
  rawTarget: string;
  userAgent: string;
  headers?: Record<string, string>;
  /** Absolute time (ms) after which the exchange fails with `deadlineError`. */
  deadline: number;
  /** Go's error text on deadline, which differs between `http.Client.Timeout` and a context. */
  deadlineError: string;
  /** Aborted when the simulated process dies. */
  signal: AbortSignal;
  readBody: boolean;
  /** Called once per HTTP exchange, redirects included. */
  onExchange: (record: LinkRequestRecord) => void;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** Escapes what Go would escape in a request target but Node refuses to send as is. */
function escapeRequestTarget(target: string): string {
  return target.replace(/[^\x21-\x7e]/gu, (char) => encodeURIComponent(char));
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function describeSocketError(error: NodeJS.ErrnoException, url: URL, phase: 'headers' | 'body'): string {
  if (error.code === 'ECONNREFUSED') return `dial tcp ${url.hostname === 'localhost' ? '127.0.0.1' : url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}: connect: connection refused`;
  if (phase === 'body') return 'unexpected EOF';
  if (error.code === 'ECONNRESET' || error.message === 'socket hang up') return 'EOF';
  return error.message;
}

/**
 * Sends one request the way Go's `http.Client` does for the server and for grab. It follows up
 * to ten redirects for 301, 302, 303, 307 and 308 (a HEAD stays a HEAD) and copies the request
 * headers to each hop. Failures carry Go's error wording, `<Op> "<url>": <reason>`.
 * Only hosts on 127.0.0.0/8 (or `localhost`) are contacted; any other host fails as a DNS miss.
 *
 * @throws {GoHttpError} when no response arrives, with Go's error text
 * @throws {ProcessDiedError} when `signal` aborts
 */
export async function sendGoRequest(options: GoRequestOptions): Promise<GoResponse> {
  const operation = options.method === 'HEAD' ? 'Head' : 'Get';
  let url = options.url;
  let target = options.rawTarget === '' ? '/' : options.rawTarget;
  for (let hop = 0; ; hop += 1) {
    const urlText = hop === 0 ? options.urlText : url.href;
    const fail = (reason: string): never => {
      throw new GoHttpError(`${operation} ${JSON.stringify(urlText)}: ${reason}`);
    };
    if (hop > MAX_REDIRECTS) fail(`stopped after ${MAX_REDIRECTS} redirects`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`unsupported protocol scheme ${JSON.stringify(url.protocol.slice(0, -1))}`);
    if (url.hostname === '') fail('http: no Host in request URL');
    if (!isLoopbackHost(url.hostname)) fail(`dial tcp: lookup ${url.hostname}: no such host (the simulator connects to 127.0.0.1 only)`);

    const record: LinkRequestRecord = { method: options.method, userAgent: options.userAgent, status: 0, url: urlText };
    if (options.headers?.Range) record.range = options.headers.Range;
    options.onExchange(record);

    const response = await exchange(url, escapeRequestTarget(target), options).catch((error: unknown) => {
      if (error instanceof GoHttpError && !(error instanceof GoBodyReadError)) fail(error.message);
      throw error;
    });
    record.status = response.status;
    if (response.headers['content-type'] !== undefined) record.contentType = response.headers['content-type'];

    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.status) || location === undefined) return { ...response, finalUrl: url, finalTarget: target };
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return fail(`failed to parse Location header ${JSON.stringify(location)}`);
    }
    url = next;
    target = `${next.pathname}${next.search}`;
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  contentLength: number;
  body?: Buffer;
}

function firstValues(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(response.headersDistinct)) {
    if (values?.[0] !== undefined) headers[name] = values[0];
  }
  return headers;
}

/** Decompresses a gzip body that Go's transport asked for, as Go does, or fails with Go's gzip error. */
function decodeBody(response: RawResponse, askedForGzip: boolean): RawResponse {
  if (!askedForGzip || response.headers['content-encoding'] !== 'gzip' || !response.body) return response;
  try {
    return { ...response, contentLength: -1, body: gunzipSync(response.body) };
  } catch {
    throw new GoBodyReadError('gzip: invalid header');
  }
}

function exchange(url: URL, target: string, options: GoRequestOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(new ProcessDiedError('the simulated server process stopped'));
    const remaining = Math.max(0, options.deadline - Date.now());
    const transport = url.protocol === 'https:' ? https : http;
    // Go's transport asks for gzip on its own (not for HEAD or ranges) and then decompresses the
    // body, reporting the length as unknown.
    const asksForGzip = options.method === 'GET' && options.headers?.Range === undefined;
    const request = transport.request({
      method: options.method,
      host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname,
      port: url.port || undefined,
      path: target,
      headers: { Host: url.host, 'User-Agent': options.userAgent, ...(asksForGzip ? { 'Accept-Encoding': 'gzip' } : {}), ...options.headers },
      agent: false,
      servername: url.hostname,
    });
    let phase: 'headers' | 'body' = 'headers';
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => {
      request.destroy();
      finish(() => reject(new ProcessDiedError('the simulated server process stopped')));
    };
    const timer = setTimeout(() => {
      request.destroy();
      finish(() => reject(phase === 'body' ? new GoBodyReadError('context deadline exceeded') : new GoHttpError(options.deadlineError)));
    }, remaining);
    options.signal.addEventListener('abort', onAbort, { once: true });

    request.on('error', (error: NodeJS.ErrnoException) => finish(() => reject(new GoHttpError(describeSocketError(error, url, phase)))));
    request.on('response', (response) => {
      const headers = firstValues(response);
      const lengthHeader = headers['content-length'];
      const contentLength = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : -1;
      const base = { status: response.statusCode ?? 0, headers, contentLength };
      if (!options.readBody || options.method === 'HEAD' || REDIRECT_STATUSES.has(base.status)) {
        response.resume();
        finish(() => resolve(base));
        return;
      }
      phase = 'body';
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error: NodeJS.ErrnoException) => finish(() => reject(new GoBodyReadError(describeSocketError(error, url, 'body')))));
      response.on('aborted', () => finish(() => reject(new GoBodyReadError('unexpected EOF'))));
      response.on('end', () => {
        if (!response.complete) {
          finish(() => reject(new GoBodyReadError('unexpected EOF')));
          return;
        }
        const raw = { ...base, body: Buffer.concat(chunks) };
        finish(() => {
          try {
            resolve(decodeBody(raw, asksForGzip));
          } catch (error) {
            reject(error);
          }
        });
      });
    });
    request.end();
  });
}
