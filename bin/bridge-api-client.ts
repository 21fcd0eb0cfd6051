import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hmacSha256Hex } from '../lib/hmac';

/** Location of the bridge's HTTP API and the credentials to sign requests with. */
export interface BridgeApiTarget {
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
}

/** Origin of a target's settings, so that messages can name what to fix. */
export type BridgeApiTargetSource = { kind: 'environment' } | { kind: 'stack-file'; path: string };

/** A target together with where its settings came from. */
export interface ResolvedBridgeApiTarget extends BridgeApiTarget {
  source: BridgeApiTargetSource;
}

export interface BridgeApiResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/** The stack description that `npm start` writes, relative to the package root. */
const PACKAGE_STACK_FILE = new URL('../.local/stack.json', import.meta.url);

/**
 * The request to the bridge API failed without an HTTP response: the connection was refused, the
 * host name did not resolve, TLS failed, or the connection broke before the response came.
 * `origin` is the URL's scheme, host and port only, so it never carries a path or credentials.
 */
export class BridgeApiTransportError extends Error {
  override readonly name = 'BridgeApiTransportError';
  readonly origin: string;
  /** The system or undici error code, such as `ECONNREFUSED` or `UND_ERR_SOCKET`, when there is one. */
  readonly causeCode: string | undefined;
  readonly causeMessage: string;

  constructor(url: string, error: unknown) {
    const { code, message } = describeTransportCause(error);
    const origin = new URL(url).origin;
    super(`The request to the bridge API at ${origin} failed: ${code ? `${code}: ` : ''}${message}.`, { cause: error });
    this.origin = origin;
    this.causeCode = code;
    this.causeMessage = message;
  }
}

/**
 * Finds the code and message of a failed `fetch`. Node's fetch throws `TypeError('fetch failed')`
 * and keeps the reason in `cause`. When a host name resolves to several addresses and every
 * connection fails, that cause is an `AggregateError` whose own message is empty.
 */
function describeTransportCause(error: unknown): { code: string | undefined; message: string } {
  const outer = error as { message?: string; cause?: unknown };
  const cause = (outer.cause ?? error) as { code?: unknown; message?: string; errors?: Array<{ message?: string }> };
  const code = typeof cause.code === 'string' ? cause.code : undefined;
  const nested = (cause.errors ?? []).map((item) => item.message).filter((text) => text);
  const message = cause.message || nested.join('; ') || outer.message || String(error);
  return { code, message };
}

/**
 * Sends a signed JSON request to the bridge's HTTP API: `API-KEY` plus `HASH-SIGNATURE`, the
 * lowercase hex HMAC-SHA256 of the exact body bytes with the API secret.
 *
 * @throws {BridgeApiTransportError} when no HTTP response arrives; an abort through `options.signal` is rethrown as it is
 */
export async function callBridgeApi(
  target: BridgeApiTarget,
  path: string,
  payload: unknown,
  options: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<BridgeApiResponse> {
  const body = JSON.stringify(payload);
  const url = `${target.apiUrl.replace(/\/+$/, '')}${path}`;
  let status: number;
  let headers: Headers;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'API-KEY': target.apiKey,
        'HASH-SIGNATURE': hmacSha256Hex(target.apiSecret, body),
        ...options.headers,
      },
      body,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    status = response.status;
    headers = response.headers;
    // The body is read inside the try, because the connection can also break while it streams.
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new BridgeApiTransportError(url, error);
  }
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text so that the caller can show it.
  }
  return { status, body: parsed, headers };
}

/**
 * Lists where the CLI looks for the stack file, in order: `LOCAL_STACK_FILE` when set (the same
 * variable moves the file `npm start` writes), then `.local/stack.json` in the current directory,
 * then in the package root, so that `npx pnm-bridge` works from any folder of the project.
 * Duplicates are removed.
 */
export function listStackFilePaths(cwd: string, env: NodeJS.ProcessEnv = {}): string[] {
  const moved = env.LOCAL_STACK_FILE ? [resolve(cwd, env.LOCAL_STACK_FILE)] : [];
  return [...new Set([...moved, resolve(cwd, '.local', 'stack.json'), fileURLToPath(PACKAGE_STACK_FILE)])];
}

function checkApiUrl(apiUrl: string, where: string): void {
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    throw new Error(`Invalid ${where} ${JSON.stringify(apiUrl)}: expected an absolute http or https URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`Invalid ${where} ${JSON.stringify(apiUrl)}: expected an http or https URL.`);
  }
}

async function readStackFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Failed to read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Finds the API to talk to: `PNM_BRIDGE_API_URL`, `PNM_BRIDGE_API_KEY` and `PNM_BRIDGE_API_SECRET`
 * when all are set, otherwise the first of `stackPaths` that exists (see `listStackFilePaths`).
 *
 * @throws {Error} when only some variables are set, when no stack file exists (naming every path
 *   tried), or when the settings found are incomplete or invalid
 */
export async function resolveBridgeApiTarget(env: NodeJS.ProcessEnv, stackPaths: readonly string[]): Promise<ResolvedBridgeApiTarget> {
  const { PNM_BRIDGE_API_URL: apiUrl, PNM_BRIDGE_API_KEY: apiKey, PNM_BRIDGE_API_SECRET: apiSecret } = env;
  if (apiUrl && apiKey && apiSecret) {
    checkApiUrl(apiUrl, 'PNM_BRIDGE_API_URL');
    return { apiUrl, apiKey, apiSecret, source: { kind: 'environment' } };
  }
  if (apiUrl || apiKey || apiSecret) {
    throw new Error('Set all three of PNM_BRIDGE_API_URL, PNM_BRIDGE_API_KEY and PNM_BRIDGE_API_SECRET, or none to use the local stack.');
  }

  for (const path of stackPaths) {
    const text = await readStackFile(path);
    if (text === undefined) continue;
    let stack: Partial<BridgeApiTarget>;
    try {
      stack = (JSON.parse(text) ?? {}) as Partial<BridgeApiTarget>;
    } catch {
      throw new Error(`Invalid ${path}: it is not valid JSON. Restart "npm start" to write it again.`);
    }
    if (!stack.apiUrl || !stack.apiKey || !stack.apiSecret) {
      throw new Error(`Invalid ${path}: it lacks apiUrl, apiKey or apiSecret. Restart "npm start" to write it again.`);
    }
    checkApiUrl(stack.apiUrl, `apiUrl in ${path}`);
    return { apiUrl: stack.apiUrl, apiKey: stack.apiKey, apiSecret: stack.apiSecret, source: { kind: 'stack-file', path } };
  }

  const tried = stackPaths.map((path) => `  ${path}`).join('\n');
  throw new Error(
    `No bridge to talk to: PNM_BRIDGE_API_URL is not set, and no stack file was found at:\n${tried}\n` +
      'Start the local stack with "npm start", or set PNM_BRIDGE_API_URL, PNM_BRIDGE_API_KEY and PNM_BRIDGE_API_SECRET.',
  );
}
