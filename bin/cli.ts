import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OPTIONAL_FILE_TYPES } from '../lib/config';
import { InvalidInputError } from '../lib/errors';
import { validateRoomId } from '../lib/room-id';
import {
  BridgeApiTransportError,
  callBridgeApi,
  listStackFilePaths,
  resolveBridgeApiTarget,
  type BridgeApiResponse,
  type ResolvedBridgeApiTarget,
} from './bridge-api-client';

/** Exit statuses: 0 success, 1 a failed request, 2 a usage error. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const TARGET_HELP = `The bridge API comes from PNM_BRIDGE_API_URL, PNM_BRIDGE_API_KEY and PNM_BRIDGE_API_SECRET
when all three are set. Otherwise it comes from .local/stack.json, which "npm start" writes, in the
current directory or else in this package's folder.`;

const PUSH_USAGE = `Usage: pnm-bridge push --room ROOM --key KEY [--bucket BUCKET]

Delivers one S3 object to a live room now and waits for the server's response.

Options:
  --room ROOM      plugNmeet room id: ASCII letters, digits, '-' and '_'
  --key KEY        S3 object key as stored, not URL-encoded
  --bucket BUCKET  S3 bucket; default: the first bucket in the bridge's ALLOWED_BUCKETS
  -h, --help       show this help`;

const PRELOAD_USAGE = `Usage: pnm-bridge preload --room ROOM [--bucket BUCKET] [--deadline TIME] KEY [KEY ...]

Queues files for a room, in the given order. They arrive once the room is active. A file not
delivered by the deadline is given up and recorded as failed.

Options:
  --room ROOM      plugNmeet room id: ASCII letters, digits, '-' and '_'
  --bucket BUCKET  S3 bucket of every KEY; default: the first bucket in the bridge's ALLOWED_BUCKETS
  --deadline TIME  ISO 8601 time such as 2026-12-05T09:00:00Z; default: the bridge's
                   DEFAULT_DEADLINE_SECONDS after now
  -h, --help       show this help`;

const USAGE = `Usage:
  pnm-bridge push --room ROOM --key KEY [--bucket BUCKET]
      Deliver one S3 object to a live room now and wait for the server's response.
  pnm-bridge preload --room ROOM [--bucket BUCKET] [--deadline TIME] KEY [KEY ...]
      Queue files for a room, in the given order; they arrive once the room is active.
  pnm-bridge help [COMMAND], pnm-bridge COMMAND --help
      Show the options of a command.

${TARGET_HELP}

Exit status: 0 on success, 1 when a request fails, 2 on a usage error.`;

type CommandName = 'push' | 'preload';

const COMMAND_USAGE: Readonly<Record<CommandName, string>> = { push: PUSH_USAGE, preload: PRELOAD_USAGE };

const RETRY_CHECK = 'Check the room before sending the file again: a second upload can add it twice.';

/** Next steps for the user, by the error code the API returns. */
const HINTS: Readonly<Record<string, string>> = {
  ROOM_NOT_FOUND: 'Create or start the room in plugNmeet first, or use "preload", which waits for the room.',
  ROOM_NOT_ACTIVE: 'The room has ended. Start it again, or use "preload", which waits for the room.',
  ROOM_BUSY: 'Another upload is converting in this room. Try again shortly, or use "preload", which queues behind it.',
  PRESENTER_MISSING: 'The bridge requires a presenter (REQUIRE_PRESENTER) and the room has none. Let a presenter join, or use "preload", which waits for one.',
  S3_OBJECT_NOT_FOUND: 'Check the key (it is case-sensitive and must not be URL-encoded) and the bucket.',
  S3_OBJECT_EMPTY: 'The object has 0 bytes, so there is nothing to show. Upload the file to S3 again, completely, then retry.',
  S3_ACCESS_DENIED: "The bridge may not read this object. Check the bridge's IAM role, the bucket policy and, for an encrypted object, access to its KMS key.",
  S3_UNAVAILABLE: 'S3 failed for a moment (throttling or a server error). Try again shortly.',
  BUCKET_NOT_ALLOWED: "Use a bucket listed in the bridge's ALLOWED_BUCKETS, or leave out --bucket to use the first one.",
  INVALID_INPUT: 'Fix the value that the message names, then run the command again. "pnm-bridge help" lists the options.',
  UNSUPPORTED_FILE_TYPE:
    'Convert the file to PDF. Images cannot become whiteboard pages, but these office types can be allowed ' +
    `in ALLOWED_FILE_TYPES and in the server's allowed_types: ${OPTIONAL_FILE_TYPES.join(', ')}.`,
  FILE_TOO_LARGE: "Shrink the file, or raise MAX_FILE_BYTES together with the server's max_size_whiteboard_file.",
  FILE_REJECTED: 'The plugNmeet server rejected the file for the reason above, so sending it again fails the same way. Check that the file opens, or convert it to PDF.',
  UNAUTHORIZED: 'Check PNM_BRIDGE_API_KEY and PNM_BRIDGE_API_SECRET, or apiKey and apiSecret in .local/stack.json.',
  SERVER_AUTH_FAILED: "The bridge's PLUGNMEET_API_KEY or PLUGNMEET_API_SECRET does not match the server.",
  SERVER_ERROR: "The plugNmeet server failed or sent an unexpected response. Check the server's logs and the bridge's PLUGNMEET_SERVER_URL, then try again.",
  NETWORK_ERROR: "The bridge could not reach the plugNmeet server. Check that the server is up and the bridge's PLUGNMEET_SERVER_URL, then try again.",
  QUEUE_ERROR:
    'SQS failed for a moment. Try again shortly. A preload that failed part way may have queued its first files already, ' +
    'and sending it again queues those a second time.',
  UPLOAD_OUTCOME_UNKNOWN: `The server may or may not have added the file, and may still be converting it. ${RETRY_CHECK}`,
  CONFIG_INVALID: "A setting of the bridge is invalid; the message names it. Fix it in the deployment, or in npm start's environment.",
  INTERNAL_ERROR: "The bridge failed unexpectedly. Its logs (CloudWatch, or the output of npm start) have the detail.",
};

function findHint(code: string): string | undefined {
  return Object.hasOwn(HINTS, code) ? HINTS[code] : undefined;
}

/**
 * The command line is wrong. The CLI prints the message with the usage line of the command, or
 * the general usage when no command is known, and exits with 2.
 */
class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }

  describe(): string {
    if (!this.command) return `${this.message}\n\n${USAGE}`;
    const usageLine = COMMAND_USAGE[this.command].split('\n')[0];
    return `${this.message}\n${usageLine}\nRun "pnm-bridge ${this.command} --help" for the options.`;
  }
}

interface PushRequest {
  room: string;
  key: string;
  bucket: string | undefined;
}

interface PreloadRequest {
  room: string;
  keys: string[];
  bucket: string | undefined;
  deadline: string | undefined;
}

type ParsedCommand = { command: 'help'; usage: string } | { command: 'push'; request: PushRequest } | { command: 'preload'; request: PreloadRequest };

function parseCommandArgs<T extends ParseArgsConfig>(config: T, command: CommandName): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    // Node's parseArgs reports unknown options, missing values and stray arguments with ERR_PARSE_ARGS_* codes.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message, command);
    throw error;
  }
}

function requireOption(value: string | undefined, name: string, command: CommandName): string {
  if (value === undefined || value === '') throw new UsageError(`Missing --${name}.`, command);
  return value;
}

function readBucketOption(value: string | undefined, command: CommandName): string | undefined {
  if (value === undefined) return undefined;
  return requireOption(value, 'bucket', command);
}

function checkRoomOption(room: string, command: CommandName): string {
  try {
    return validateRoomId(room);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(error.message, command);
    throw error;
  }
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

function parsePushArgs(args: string[]): ParsedCommand {
  const { values } = parseCommandArgs(
    { args, strict: true, options: { ...HELP_OPTION, room: { type: 'string' }, key: { type: 'string' }, bucket: { type: 'string' } } },
    'push',
  );
  if (values.help) return { command: 'help', usage: PUSH_USAGE };
  const room = checkRoomOption(requireOption(values.room, 'room', 'push'), 'push');
  const key = requireOption(values.key, 'key', 'push');
  return { command: 'push', request: { room, key, bucket: readBucketOption(values.bucket, 'push') } };
}

function parsePreloadArgs(args: string[]): ParsedCommand {
  const { values, positionals } = parseCommandArgs(
    {
      args,
      strict: true,
      allowPositionals: true,
      options: { ...HELP_OPTION, room: { type: 'string' }, bucket: { type: 'string' }, deadline: { type: 'string' } },
    },
    'preload',
  );
  if (values.help) return { command: 'help', usage: PRELOAD_USAGE };
  const room = checkRoomOption(requireOption(values.room, 'room', 'preload'), 'preload');
  if (positionals.length === 0) throw new UsageError('Missing KEY: give at least one S3 object key to preload.', 'preload');
  if (positionals.includes('')) throw new UsageError('Invalid KEY: an S3 object key must not be empty.', 'preload');
  let deadline: string | undefined;
  if (values.deadline !== undefined) {
    deadline = requireOption(values.deadline, 'deadline', 'preload');
    if (Number.isNaN(Date.parse(deadline))) {
      throw new UsageError(`Invalid --deadline ${JSON.stringify(deadline)}: expected an ISO 8601 time such as 2026-12-05T09:00:00Z.`, 'preload');
    }
  }
  return { command: 'preload', request: { room, keys: positionals, bucket: readBucketOption(values.bucket, 'preload'), deadline } };
}

/** Parses and checks the whole command line before anything else runs, so usage errors never depend on the bridge. */
function parseCommandLine(argv: string[]): ParsedCommand {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('Missing command.');
  if (command === 'help' || command === '--help' || command === '-h') {
    const topic = rest[0];
    if (topic === undefined) return { command: 'help', usage: USAGE };
    if (topic !== 'push' && topic !== 'preload') throw new UsageError(`Unknown command ${JSON.stringify(topic)}.`);
    return { command: 'help', usage: COMMAND_USAGE[topic] };
  }
  if (command === 'push') return parsePushArgs(rest);
  if (command === 'preload') return parsePreloadArgs(rest);
  throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
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

function pluralize(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Hints for a response without one of our codes: API Gateway and proxies send those. */
function hintForStatus(status: number): string | undefined {
  if (status === 403 || status === 404) {
    return 'The URL does not lead to the bridge API. Check PNM_BRIDGE_API_URL, or apiUrl in .local/stack.json: it is the base URL of the API, including any stage path.';
  }
  if (status === 502 || status === 503 || status === 504) {
    return `The bridge API or a gateway in front of it failed. After a push, the file may still arrive. ${RETRY_CHECK}`;
  }
  return undefined;
}

/**
 * Describes a failed response as `Failed: CODE: message` plus what to do next. The bridge's own
 * HTTP status is left out when there is a code: the code is more precise, and the message often
 * already carries the plugNmeet server's status.
 */
function describeError(response: BridgeApiResponse): string {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as { code?: unknown; message?: unknown };
  const code = typeof body.code === 'string' ? body.code : undefined;
  const detail =
    typeof body.message === 'string' ? body.message : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  const hint = code ? findHint(code) : hintForStatus(response.status);
  const summary = code ? `Failed: ${code}: ${detail}` : `Failed: the bridge API returned HTTP ${response.status}: ${detail}`;
  return hint ? `${summary}\n${hint}` : summary;
}

const CONNECT_FAILURE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Says what to check after a transport failure, naming the setting the URL came from. */
function describeTransportFailure(error: BridgeApiTransportError, target: ResolvedBridgeApiTarget): string {
  const source = target.source;
  const setting = source.kind === 'environment' ? 'PNM_BRIDGE_API_URL' : `apiUrl in ${source.path}`;
  let hint: string;
  if (error.causeCode === 'ECONNREFUSED' && source.kind === 'stack-file') {
    hint = `Nothing listens at that address. Start the local stack with "npm start": ${source.path} may be left over from a stack that has stopped.`;
  } else if (error.causeCode === 'ECONNREFUSED') {
    hint = 'Nothing listens at that address. Check PNM_BRIDGE_API_URL: it should be the base URL of the deployed HTTP API.';
  } else if (error.causeCode !== undefined && CONNECT_FAILURE_CODES.has(error.causeCode)) {
    hint = `The connection could not be opened. Check ${setting}, and your network.`;
  } else {
    hint =
      `Check ${setting}, and your network. The connection may have broken after the bridge received the request, ` +
      'so after a push, check the room before sending the file again.';
  }
  return `${error.message}\n${hint}`;
}

async function runPush(target: ResolvedBridgeApiTarget, request: PushRequest): Promise<number> {
  const { room, key, bucket } = request;
  const stop = startProgress(`Delivering ${key} to room ${room}`);
  let response: BridgeApiResponse;
  try {
    response = await callBridgeApi(target, `/rooms/${encodeURIComponent(room)}/files`, { key, ...(bucket ? { bucket } : {}) });
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
    process.stderr.write(`The file appears on the whiteboard when the server has converted it. ${RETRY_CHECK}\n`);
    return 0;
  }
  process.stderr.write(`${describeError(response)}\n`);
  return EXIT_FAILURE;
}

async function runPreload(target: ResolvedBridgeApiTarget, request: PreloadRequest): Promise<number> {
  const { room, keys, bucket, deadline } = request;
  const stop = startProgress(`Checking and queueing ${pluralize(keys.length, 'file')} for room ${room}`);
  let response: BridgeApiResponse;
  try {
    response = await callBridgeApi(target, `/rooms/${encodeURIComponent(room)}/preloads`, {
      keys,
      ...(bucket ? { bucket } : {}),
      ...(deadline ? { deadline } : {}),
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
    return EXIT_FAILURE;
  }

  const accepted = body.accepted ?? [];
  const rejected = body.rejected ?? [];
  for (const item of accepted) process.stdout.write(`queued    ${item.key}\n`);
  for (const item of rejected) process.stdout.write(`rejected  ${item.key}: ${item.code}: ${item.reason}\n`);
  process.stdout.write(`Preload ${body.preloadId}: ${accepted.length} queued, ${rejected.length} rejected; deadline ${body.deadline}.\n`);

  for (const code of new Set(rejected.map((item) => item.code))) {
    const hint = findHint(code);
    if (hint) process.stderr.write(`${code}: ${hint}\n`);
  }
  return rejected.length === 0 ? 0 : EXIT_FAILURE;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (parsed.command === 'help') {
    process.stdout.write(`${parsed.usage}\n`);
    return 0;
  }
  const target = await resolveBridgeApiTarget(process.env, listStackFilePaths(process.cwd(), process.env));
  try {
    return parsed.command === 'push' ? await runPush(target, parsed.request) : await runPreload(target, parsed.request);
  } catch (error) {
    if (error instanceof BridgeApiTransportError) {
      process.stderr.write(`${describeTransportFailure(error, target)}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.describe()}\n`);
      process.exit(EXIT_USAGE);
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT_FAILURE);
  },
);
