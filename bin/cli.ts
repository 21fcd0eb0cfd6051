import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { callBridgeApi, resolveBridgeApiTarget, type BridgeApiResponse, type BridgeApiTarget } from './bridge-api-client';

const USAGE = `Usage:
  pnm-bridge push --room ROOM --key KEY [--bucket BUCKET]
      Deliver one S3 object to a live room now and wait for the server's answer.
  pnm-bridge preload --room ROOM [--bucket BUCKET] [--deadline ISO_TIME] KEY [KEY ...]
      Queue files for a room, in the given order; they arrive once the room is active.

The bridge API comes from PNM_BRIDGE_API_URL, PNM_BRIDGE_API_KEY and PNM_BRIDGE_API_SECRET,
or from .local/stack.json, which "npm start" writes.`;

/** Hints for the codes the API returns, saying what the user can do next. */
const HINTS: Readonly<Record<string, string>> = {
  ROOM_NOT_FOUND: 'Create or start the room in plugNmeet first, or use "preload", which waits for the room.',
  ROOM_NOT_ACTIVE: 'The room has ended. Start it again, or use "preload", which waits for the room.',
  ROOM_BUSY: 'Another upload is converting in this room. Try again shortly, or use "preload", which queues behind it.',
  S3_OBJECT_NOT_FOUND: 'Check the key (it is case-sensitive and must not be URL-encoded) and the bucket.',
  UNSUPPORTED_FILE_TYPE: 'Convert the file to PDF, or allow the type in ALLOWED_FILE_TYPES and in the server\'s allowed_types.',
  FILE_TOO_LARGE: 'Shrink the file, or raise MAX_FILE_BYTES together with the server\'s max_size_whiteboard_file.',
  UNAUTHORIZED: 'Check PNM_BRIDGE_API_KEY and PNM_BRIDGE_API_SECRET.',
  SERVER_AUTH_FAILED: 'The bridge\'s PLUGNMEET_API_KEY or PLUGNMEET_API_SECRET does not match the server.',
};

class UsageError extends Error {}

function requireOption(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`Missing --${name}.`);
  return value;
}

/** Shows elapsed time while a request runs: a live counter on a terminal, one line otherwise. */
function startProgress(label: string): () => void {
  const started = Date.now();
  if (!process.stderr.isTTY) {
    process.stderr.write(`${label}…\n`);
    return () => undefined;
  }
  const timer = setInterval(() => {
    process.stderr.write(`\r${label}… ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 100);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}

function describeError(response: BridgeApiResponse): string {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as { code?: string; message?: string };
  const hint = body.code ? HINTS[body.code] : undefined;
  const detail = body.message ?? (typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
  return `Failed (HTTP ${response.status}${body.code ? `, ${body.code}` : ''}): ${detail}${hint ? `\n${hint}` : ''}`;
}

async function runPush(target: BridgeApiTarget, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { room: { type: 'string' }, key: { type: 'string' }, bucket: { type: 'string' } } });
  const room = requireOption(values.room, 'room');
  const key = requireOption(values.key, 'key');
  const stop = startProgress(`Delivering ${key} to room ${room}`);
  let response: BridgeApiResponse;
  try {
    response = await callBridgeApi(target, `/rooms/${encodeURIComponent(room)}/files`, { key, ...(values.bucket ? { bucket: values.bucket } : {}) });
  } finally {
    stop();
  }
  const body = response.body as { filename?: string; uploadMs?: number; message?: string };
  if (response.status === 200) {
    process.stdout.write(`Delivered ${key} to room ${room} as ${body.filename} (${((body.uploadMs ?? 0) / 1000).toFixed(1)} s on the server).\n`);
    return 0;
  }
  if (response.status === 202) {
    process.stdout.write(`Accepted: ${body.message}\n`);
    return 0;
  }
  process.stderr.write(`${describeError(response)}\n`);
  return 1;
}

async function runPreload(target: BridgeApiTarget, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { room: { type: 'string' }, bucket: { type: 'string' }, deadline: { type: 'string' } },
  });
  const room = requireOption(values.room, 'room');
  if (positionals.length === 0) throw new UsageError('Give at least one KEY to preload.');
  const stop = startProgress(`Checking and queueing ${positionals.length} files for room ${room}`);
  let response: BridgeApiResponse;
  try {
    response = await callBridgeApi(target, `/rooms/${encodeURIComponent(room)}/preloads`, {
      keys: positionals,
      ...(values.bucket ? { bucket: values.bucket } : {}),
      ...(values.deadline ? { deadline: values.deadline } : {}),
    });
  } finally {
    stop();
  }
  const body = response.body as {
    preloadId?: string;
    deadline?: string;
    accepted?: Array<{ key: string; messageId: string }>;
    rejected?: Array<{ key: string; code: string; reason: string }>;
  };
  if (response.status !== 202 && response.status !== 422) {
    process.stderr.write(`${describeError(response)}\n`);
    return 1;
  }
  for (const item of body.accepted ?? []) process.stdout.write(`queued    ${item.key}\n`);
  for (const item of body.rejected ?? []) process.stdout.write(`rejected  ${item.key}: ${item.code}: ${item.reason}\n`);
  process.stdout.write(`Preload ${body.preloadId}: ${body.accepted?.length ?? 0} queued, ${body.rejected?.length ?? 0} rejected; deadline ${body.deadline}.\n`);
  return (body.rejected?.length ?? 0) === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command !== 'push' && command !== 'preload') throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
  const target = await resolveBridgeApiTarget(process.env, resolve(process.cwd(), '.local', 'stack.json'));
  return command === 'push' ? runPush(target, rest) : runPreload(target, rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') {
      process.stderr.write('Failed to reach the bridge API: connection refused. Is "npm start" running?\n');
    } else {
      process.stderr.write(`${(error as Error).message ?? String(error)}\n`);
    }
    process.exit(1);
  },
);
