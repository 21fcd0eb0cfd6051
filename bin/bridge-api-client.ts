import { readFile } from 'node:fs/promises';
import { hmacSha256Hex } from '../lib/hmac';

/** Where the bridge's HTTP API is and how to sign for it. */
export interface BridgeApiTarget {
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
}

export interface BridgeApiResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * Sends a signed JSON request to the bridge's HTTP API: `API-KEY` plus `HASH-SIGNATURE`, the
 * lowercase hex HMAC-SHA256 of the exact body bytes with the API secret.
 */
export async function callBridgeApi(target: BridgeApiTarget, path: string, payload: unknown, options: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<BridgeApiResponse> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${target.apiUrl.replace(/\/+$/, '')}${path}`, {
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
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text so that the caller can show it.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * Finds the API to talk to: `PNM_BRIDGE_API_URL`, `PNM_BRIDGE_API_KEY` and `PNM_BRIDGE_API_SECRET`
 * when all are set, otherwise the `.local/stack.json` that `npm start` writes.
 */
export async function resolveBridgeApiTarget(env: NodeJS.ProcessEnv, stackPath: string): Promise<BridgeApiTarget> {
  const { PNM_BRIDGE_API_URL: apiUrl, PNM_BRIDGE_API_KEY: apiKey, PNM_BRIDGE_API_SECRET: apiSecret } = env;
  if (apiUrl && apiKey && apiSecret) return { apiUrl, apiKey, apiSecret };
  if (apiUrl || apiKey || apiSecret) {
    throw new Error('Set all three of PNM_BRIDGE_API_URL, PNM_BRIDGE_API_KEY and PNM_BRIDGE_API_SECRET, or none to use the local stack.');
  }
  let text: string;
  try {
    text = await readFile(stackPath, 'utf8');
  } catch {
    throw new Error(`No bridge to talk to: ${stackPath} does not exist. Start the local stack with "npm start", or set PNM_BRIDGE_API_URL, PNM_BRIDGE_API_KEY and PNM_BRIDGE_API_SECRET.`);
  }
  const stack = JSON.parse(text) as Partial<BridgeApiTarget>;
  if (!stack.apiUrl || !stack.apiKey || !stack.apiSecret) throw new Error(`${stackPath} lacks apiUrl, apiKey or apiSecret; restart "npm start".`);
  return { apiUrl: stack.apiUrl, apiKey: stack.apiKey, apiSecret: stack.apiSecret };
}
