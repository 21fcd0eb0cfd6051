import * as timing from '../infra/timing';
import { ConfigError } from './errors';

/**
 * Settings of the bridge, read from the environment once per process by `getConfig()`. Timing
 * defaults come from `infra/timing.ts`, where each number's reason is written.
 * Nothing else in the code reads `process.env`. Secrets may be given directly (local runs and
 * tests) or as the name of an SSM SecureString parameter, which `lib/secrets.ts` resolves.
 */

/** File types a default plugNmeet server can both accept and convert to PDF. */
export const DEFAULT_FILE_TYPES = ['pdf', 'docx', 'pptx', 'xlsx', 'txt'] as const;
/** Types the server can convert once an operator adds them to its `allowed_types`. */
export const OPTIONAL_FILE_TYPES = ['doc', 'ppt', 'xls', 'odt', 'odp', 'ods', 'rtf', 'csv'] as const;
export type FileType = (typeof DEFAULT_FILE_TYPES)[number] | (typeof OPTIONAL_FILE_TYPES)[number];

/** 30 MiB, the server's default `max_size_whiteboard_file`. */
export const DEFAULT_MAX_FILE_BYTES = 30 * 1024 * 1024;

/** A secret given either as its value or as the name of the SSM parameter that stores it. */
export type SecretSource = { value: string } | { parameterName: string };

export type LinkMode = 'proxy' | 'presigned';

export interface BridgeConfig {
  plugnmeet: {
    /** Base URL of the plugNmeet server, without a trailing slash. */
    serverUrl: string;
    apiKey: string;
    apiSecret: SecretSource;
  };
  api: {
    /** API key and secret that callers of the bridge's own HTTP API sign with. */
    apiKey: string;
    apiSecret: SecretSource;
    /** Time the push route waits for the server before it returns 202, in milliseconds. */
    pushWaitMs: number;
  };
  link: {
    /** `proxy` hands out our link endpoint; `presigned` hands out a raw presigned S3 URL. */
    mode: LinkMode;
    /** Public base URL of the link function, for example `https://abc.execute-api.eu-west-1.amazonaws.com/links`. */
    baseUrl: string;
    signingSecret: SecretSource;
    /** Lifetime of a link token, in seconds. */
    ttlSeconds: number;
    /** Lifetime of the presigned S3 URL the link redirects to, in seconds. */
    presignTtlSeconds: number;
  };
  s3: {
    allowedBuckets: readonly string[];
    /** The bucket used when a request names none: the first allowed bucket. */
    defaultBucket: string;
    /** Region of each bucket; buckets not listed use `defaultRegion`. */
    bucketRegions: Readonly<Record<string, string>>;
    defaultRegion: string;
    /** Endpoint override for a local S3 stand-in; undefined on AWS. */
    endpoint: string | undefined;
  };
  files: {
    maxBytes: number;
    allowedTypes: readonly FileType[];
  };
  upload: {
    /** Time the worker waits for the server's response to one upload, in milliseconds. */
    timeoutMs: number;
    /** Time the JSON API calls (`isRoomActive`, `getActiveRoomInfo`) may take, in milliseconds. */
    apiTimeoutMs: number;
    /** When true, the worker waits for a presenter before it uploads. */
    requirePresenter: boolean;
  };
  queue: {
    /** URL of the FIFO upload queue; undefined where a function does not use the queue. */
    url: string | undefined;
    /** URL of the FIFO queue that receives failure records; undefined disables them. */
    failureUrl: string | undefined;
    endpoint: string | undefined;
    /** Key layout that names the room: `{roomId}` marks the room segment. */
    roomKeyPattern: string;
    /** When true, `x-amz-meta-room-id` on the object overrides the room from the key. */
    roomFromMetadata: boolean;
    /** Deadline given to files that arrive through S3 events, in seconds after the event. */
    defaultDeadlineSeconds: number;
    /** Latest deadline a preload may ask for, in seconds from now. */
    maxDeadlineSeconds: number;
    /** The upload queue's redrive `maxReceiveCount`; the worker records a failure one receive before it. */
    maxReceiveCount: number;
  };
  /** How long the worker hides a message before it tries again, in seconds. */
  backoff: {
    /** After a 409, a network error or a 5xx: base × 2^(receives − 1), up to the cap. */
    busyBaseSeconds: number;
    busyCapSeconds: number;
    /** While the room does not exist yet, has ended, or has no presenter (when required). */
    roomWaitBaseSeconds: number;
    roomWaitCapSeconds: number;
    /** The server's room lock lifetime: after a timed-out upload the worker waits this long from the send. */
    lockTtlSeconds: number;
  };
  /** Bucket and prefix where the worker and the link function record delivery evidence. */
  deliveryState: { bucket: string | undefined; prefix: string };
}

type Env = Readonly<Record<string, string | undefined>>;

function readString(env: Env, name: string, fallback?: string): string {
  const raw = env[name]?.trim();
  if (raw) return raw;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`Missing setting ${name}: set the environment variable ${name}.`);
}

function readOptional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

/** Plain decimal digits. `Number()` alone would also take `0x3e8`, `1.5e3` or `+5`. */
const DECIMAL_DIGITS = /^[0-9]+$/;

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!DECIMAL_DIGITS.test(raw) || value < min || value > max) {
    throw new ConfigError(`Invalid setting ${name}=${JSON.stringify(raw)}: expected a whole number in decimal digits, from ${min} to ${max}.`);
  }
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`Invalid setting ${name}=${JSON.stringify(env[name])}: expected true or false.`);
}

function readUrl(env: Env, name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`Invalid setting ${name}=${JSON.stringify(value)}: expected an absolute http(s) URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`Invalid setting ${name}=${JSON.stringify(value)}: expected an http or https URL.`);
  }
  // The bridge appends paths to this base, which would land inside a query or fragment. The raw
  // text is checked because the URL parser drops a lone `?` or `#`.
  if (value.includes('?') || value.includes('#')) {
    throw new ConfigError(
      `Invalid setting ${name}=${JSON.stringify(value)}: a base URL must not contain a query (?) or a fragment (#). Remove them.`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** Reads a secret from `NAME` or, when that is unset, from the SSM parameter named by `NAME_PARAM`. */
function readSecret(env: Env, name: string): SecretSource {
  const value = env[name];
  // The value is kept untrimmed, because spaces may belong to a secret. An empty value counts as unset.
  if (value && value.trim() === '') {
    throw new ConfigError(`Invalid setting ${name}: the value contains only whitespace. Set the secret itself, or ${name}_PARAM to the name of an SSM SecureString parameter.`);
  }
  if (value) return { value };
  const parameterName = readOptional(env, `${name}_PARAM`);
  if (parameterName) return { parameterName };
  throw new ConfigError(`Missing setting ${name}: set ${name}, or ${name}_PARAM to the name of an SSM SecureString parameter.`);
}

function readList(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function readFileTypes(env: Env): FileType[] {
  const requested = readList(env, 'ALLOWED_FILE_TYPES').map((type) => type.toLowerCase().replace(/^\./, ''));
  if (requested.length === 0) return [...DEFAULT_FILE_TYPES];
  const known: readonly string[] = [...DEFAULT_FILE_TYPES, ...OPTIONAL_FILE_TYPES];
  for (const type of requested) {
    if (!known.includes(type)) {
      throw new ConfigError(
        `Invalid setting ALLOWED_FILE_TYPES: '${type}' is not a type plugNmeet can convert to a whiteboard. ` +
          `Choose from ${known.join(', ')}.`,
      );
    }
  }
  return [...new Set(requested)] as FileType[];
}

function readBucketRegions(env: Env): Record<string, string> {
  const regions: Record<string, string> = {};
  for (const entry of readList(env, 'BUCKET_REGIONS')) {
    const [bucket, region, ...rest] = entry.split('=');
    if (!bucket || !region || rest.length > 0) {
      throw new ConfigError(`Invalid setting BUCKET_REGIONS entry ${JSON.stringify(entry)}: expected bucket=region.`);
    }
    regions[bucket.trim()] = region.trim();
  }
  return regions;
}

/**
 * Checks that a back-off's base does not exceed its cap. Otherwise the worker would wait the whole
 * cap from the first attempt on, and nothing would show the mistake.
 */
function checkBackoff(baseName: string, baseSeconds: number, capName: string, capSeconds: number): void {
  if (baseSeconds > capSeconds) {
    throw new ConfigError(
      `Invalid settings ${baseName}=${baseSeconds} and ${capName}=${capSeconds}: the base must not exceed the cap. ` +
        'Raise the cap or lower the base; a variable left unset takes its default.',
    );
  }
}

/**
 * Parses and checks every setting.
 *
 * @param env - the environment to read; `process.env` in functions, a literal object in tests
 * @throws {ConfigError} naming the first missing or invalid variable
 */
export function loadConfig(env: Env): BridgeConfig {
  const mode = readString(env, 'LINK_MODE', 'proxy');
  if (mode !== 'proxy' && mode !== 'presigned') {
    throw new ConfigError(`Invalid setting LINK_MODE=${JSON.stringify(mode)}: expected proxy or presigned.`);
  }
  const allowedBuckets = readList(env, 'ALLOWED_BUCKETS');
  if (allowedBuckets.length === 0) {
    throw new ConfigError('Missing setting ALLOWED_BUCKETS: set it to a comma-separated list of bucket names.');
  }
  const linkBaseRaw = readOptional(env, 'LINK_BASE_URL');
  if (mode === 'proxy' && !linkBaseRaw) {
    throw new ConfigError('Missing setting LINK_BASE_URL: the proxy link mode needs the public URL of the link function.');
  }
  const maxBytes = readInteger(env, 'MAX_FILE_BYTES', DEFAULT_MAX_FILE_BYTES, 1, 5 * 1024 ** 3);
  const roomKeyPattern = readString(env, 'ROOM_KEY_PATTERN', 'rooms/{roomId}/');
  if (roomKeyPattern.split('{roomId}').length !== 2) {
    throw new ConfigError(`Invalid setting ROOM_KEY_PATTERN=${JSON.stringify(roomKeyPattern)}: it must contain {roomId} once.`);
  }

  const config: BridgeConfig = {
    plugnmeet: {
      serverUrl: readUrl(env, 'PLUGNMEET_SERVER_URL', readString(env, 'PLUGNMEET_SERVER_URL')),
      apiKey: readString(env, 'PLUGNMEET_API_KEY'),
      apiSecret: readSecret(env, 'PLUGNMEET_API_SECRET'),
    },
    api: {
      apiKey: readString(env, 'BRIDGE_API_KEY'),
      apiSecret: readSecret(env, 'BRIDGE_API_SECRET'),
      pushWaitMs: readInteger(env, 'PUSH_WAIT_MS', timing.PUSH_WAIT_MS, 100, 900_000),
    },
    link: {
      mode,
      baseUrl: linkBaseRaw ? readUrl(env, 'LINK_BASE_URL', linkBaseRaw) : '',
      signingSecret: readSecret(env, 'LINK_SIGNING_SECRET'),
      ttlSeconds: readInteger(env, 'LINK_TTL_SECONDS', timing.LINK_TTL_SECONDS, 10, 604_800),
      presignTtlSeconds: readInteger(env, 'PRESIGN_TTL_SECONDS', timing.PRESIGN_TTL_SECONDS, 10, 604_800),
    },
    s3: {
      allowedBuckets,
      defaultBucket: allowedBuckets[0] as string,
      bucketRegions: readBucketRegions(env),
      defaultRegion: readString(env, 'AWS_REGION', readString(env, 'AWS_DEFAULT_REGION', 'us-east-1')),
      endpoint: readOptional(env, 'S3_ENDPOINT'),
    },
    files: { maxBytes, allowedTypes: readFileTypes(env) },
    upload: {
      timeoutMs: readInteger(env, 'UPLOAD_TIMEOUT_MS', timing.UPLOAD_TIMEOUT_MS, 100, 900_000),
      apiTimeoutMs: readInteger(env, 'API_TIMEOUT_MS', timing.API_TIMEOUT_MS, 100, 120_000),
      requirePresenter: readBoolean(env, 'REQUIRE_PRESENTER', false),
    },
    queue: {
      url: readOptional(env, 'UPLOAD_QUEUE_URL'),
      failureUrl: readOptional(env, 'FAILURE_QUEUE_URL'),
      endpoint: readOptional(env, 'SQS_ENDPOINT'),
      roomKeyPattern,
      roomFromMetadata: readBoolean(env, 'ROOM_FROM_METADATA', false),
      defaultDeadlineSeconds: readInteger(env, 'DEFAULT_DEADLINE_SECONDS', timing.DEFAULT_DEADLINE_SECONDS, 60, 1_209_600),
      maxDeadlineSeconds: readInteger(env, 'MAX_DEADLINE_SECONDS', timing.MAX_DEADLINE_SECONDS, 60, 1_209_600),
      maxReceiveCount: readInteger(env, 'MAX_RECEIVE_COUNT', timing.MAX_RECEIVE_COUNT, 3, 1000),
    },
    backoff: {
      busyBaseSeconds: readInteger(env, 'BUSY_BACKOFF_BASE_SECONDS', timing.BUSY_BACKOFF.baseSeconds, 0, 43_200),
      busyCapSeconds: readInteger(env, 'BUSY_BACKOFF_CAP_SECONDS', timing.BUSY_BACKOFF.capSeconds, 0, 43_200),
      roomWaitBaseSeconds: readInteger(env, 'ROOM_WAIT_BACKOFF_BASE_SECONDS', timing.ROOM_WAIT_BACKOFF.baseSeconds, 0, 43_200),
      roomWaitCapSeconds: readInteger(env, 'ROOM_WAIT_BACKOFF_CAP_SECONDS', timing.ROOM_WAIT_BACKOFF.capSeconds, 0, 43_200),
      lockTtlSeconds: readInteger(env, 'LOCK_TTL_SECONDS', timing.LOCK_TTL_SECONDS, 0, 43_200),
    },
    deliveryState: {
      bucket: readOptional(env, 'DELIVERY_STATE_BUCKET'),
      prefix: readString(env, 'DELIVERY_STATE_PREFIX', 'pnm-bridge/deliveries/'),
    },
  };
  const { queue, backoff } = config;
  if (queue.defaultDeadlineSeconds > queue.maxDeadlineSeconds) {
    throw new ConfigError(
      `Invalid settings DEFAULT_DEADLINE_SECONDS=${queue.defaultDeadlineSeconds} and MAX_DEADLINE_SECONDS=${queue.maxDeadlineSeconds}: ` +
        'the default deadline must not exceed the maximum. Raise the maximum or lower the default; a variable left unset takes its default.',
    );
  }
  checkBackoff('BUSY_BACKOFF_BASE_SECONDS', backoff.busyBaseSeconds, 'BUSY_BACKOFF_CAP_SECONDS', backoff.busyCapSeconds);
  checkBackoff('ROOM_WAIT_BACKOFF_BASE_SECONDS', backoff.roomWaitBaseSeconds, 'ROOM_WAIT_BACKOFF_CAP_SECONDS', backoff.roomWaitCapSeconds);
  return Object.freeze(config);
}

let cached: BridgeConfig | undefined;

/** Returns the process's settings, reading the environment on the first call only. */
export function getConfig(): BridgeConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

/** Forgets the cached settings, so the next `getConfig()` reads the environment again (tests, local stack). */
export function resetConfig(): void {
  cached = undefined;
}
