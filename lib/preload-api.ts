import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHash, randomUUID } from 'node:crypto';
import { authenticateRequest } from './api-auth';
import type { BridgeConfig } from './config';
import { BridgeError, InvalidInputError } from './errors';
import { errorResponse, jsonResponse, parseJsonObject, readHeaders, readRawBody } from './http-api';
import { logger } from './logger';
import { toDeduplicationId } from './message-ids';
import { validateRoomId } from './room-id';
import { inspectObject, type S3ObjectInfo } from './s3-object';
import type { Runtime } from './runtime';
import { enqueueUploads } from './upload-queue';
import type { UploadJob } from './upload-job';

/** Most keys one preload request may carry; larger sets go in several requests. */
export const MAX_PRELOAD_KEYS = 100;
/** Pre-flight checks run at most this many HeadObject calls at once. */
const INSPECT_CONCURRENCY = 8;

export interface PreloadInput {
  roomId: string;
  keys: string[];
  bucket?: string;
  /** Absolute deadline in epoch milliseconds. */
  deadline: number;
}

export interface PreloadResult {
  preloadId: string;
  roomId: string;
  deadline: string;
  accepted: Array<{ key: string; position: number; messageId: string }>;
  rejected: Array<{ key: string; position: number; code: string; reason: string }>;
}

/**
 * Checks a preload body `{keys, bucket?, deadline?}`. The deadline is an ISO 8601 time; it defaults
 * to `DEFAULT_DEADLINE_SECONDS` from now and may be at most `MAX_DEADLINE_SECONDS` away.
 *
 * @throws {InvalidInputError} naming the field and what it must be
 */
export function parsePreloadBody(config: BridgeConfig, roomId: unknown, body: Record<string, unknown>, nowMs: number): PreloadInput {
  for (const field of Object.keys(body)) {
    if (field !== 'keys' && field !== 'bucket' && field !== 'deadline') {
      throw new InvalidInputError(`Unknown field ${JSON.stringify(field)}: a preload request has keys, bucket and deadline.`);
    }
  }
  const keys = body.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new InvalidInputError('Missing field keys: give a non-empty array of S3 object keys, in the order the files should arrive.');
  }
  if (keys.length > MAX_PRELOAD_KEYS) {
    throw new InvalidInputError(`Too many keys (${keys.length}): one preload takes at most ${MAX_PRELOAD_KEYS}; split the list.`);
  }
  keys.forEach((key, index) => {
    if (typeof key !== 'string' || key === '') throw new InvalidInputError(`Invalid keys[${index}]: expected a non-empty string.`);
  });
  const bucket = body.bucket;
  if (bucket !== undefined && (typeof bucket !== 'string' || bucket === '')) {
    throw new InvalidInputError('Invalid field bucket: expected a bucket name, or leave it out to use the default bucket.');
  }

  let deadline = nowMs + config.queue.defaultDeadlineSeconds * 1000;
  if (body.deadline !== undefined) {
    const parsed = typeof body.deadline === 'string' ? Date.parse(body.deadline) : Number.NaN;
    if (Number.isNaN(parsed)) {
      throw new InvalidInputError(`Invalid deadline ${JSON.stringify(body.deadline)}: expected an ISO 8601 time such as "2026-12-05T09:00:00Z".`);
    }
    if (parsed <= nowMs) throw new InvalidInputError(`Invalid deadline ${body.deadline}: it has already passed.`);
    const latest = nowMs + config.queue.maxDeadlineSeconds * 1000;
    if (parsed > latest) {
      throw new InvalidInputError(
        `Invalid deadline ${body.deadline}: it is more than MAX_DEADLINE_SECONDS (${config.queue.maxDeadlineSeconds} s) away; queue the preload closer to the class.`,
      );
    }
    deadline = parsed;
  }
  return { roomId: validateRoomId(roomId), keys: keys as string[], ...(bucket ? { bucket } : {}), deadline };
}

async function inspectAll(config: BridgeConfig, bucket: string, keys: string[]): Promise<Array<S3ObjectInfo | BridgeError>> {
  const results: Array<S3ObjectInfo | BridgeError> = new Array(keys.length);
  let next = 0;
  const runLane = async (): Promise<void> => {
    while (next < keys.length) {
      const index = next++;
      try {
        results[index] = await inspectObject(config, { bucket, key: keys[index] as string });
      } catch (error) {
        if (!(error instanceof BridgeError) || error.retryable) throw error;
        results[index] = error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, keys.length) }, runLane));
  return results;
}

/**
 * Queues a room's files for delivery in the given order. Every key is checked first (exists, type,
 * size); a bad key is reported with its reason and does not reject the others. The files wait in
 * the room's message group until the room is active, then arrive one at a time in order.
 *
 * The preload id names the batch in logs and failure records. With an `idempotencyKey`, the same
 * request sent twice within SQS's five-minute deduplication window queues the files once.
 *
 * @throws {BridgeError} retryable S3 or SQS errors; nothing is queued twice when the caller retries
 *   with the same idempotency key
 */
export async function preloadFiles(runtime: Runtime, input: PreloadInput, options: { idempotencyKey?: string; nowMs?: number } = {}): Promise<PreloadResult> {
  const { config } = runtime;
  const bucket = input.bucket ?? config.s3.defaultBucket;
  const nowMs = options.nowMs ?? Date.now();
  const preloadId = options.idempotencyKey
    ? createHash('sha256').update(`${input.roomId}\n${options.idempotencyKey}`).digest('hex').slice(0, 32)
    : randomUUID();
  const inspected = await inspectAll(config, bucket, input.keys);

  const result: PreloadResult = { preloadId, roomId: input.roomId, deadline: new Date(input.deadline).toISOString(), accepted: [], rejected: [] };
  const uploads: Array<{ job: UploadJob; deduplicationId: string; position: number }> = [];
  inspected.forEach((item, position) => {
    const key = input.keys[position] as string;
    if (item instanceof BridgeError) {
      result.rejected.push({ key, position, code: item.code, reason: item.message });
      return;
    }
    const job: UploadJob = {
      v: 1,
      roomId: input.roomId,
      bucket,
      key,
      // No version or ETag binding: a file replaced while it waits is delivered as it is then,
      // because no other event will bring the new version.
      source: 'preload',
      enqueuedAt: new Date(nowMs).toISOString(),
      deadline: result.deadline,
      preloadId,
    };
    // The position is part of the id, so the same key listed twice in one preload arrives twice.
    const deduplicationId = toDeduplicationId({ roomId: input.roomId, bucket, key, etag: item.etag, nonce: `${preloadId}:${position}` });
    uploads.push({ job, deduplicationId, position });
  });

  if (uploads.length > 0) {
    const { messageIds } = await enqueueUploads(config, uploads.map(({ job, deduplicationId }) => ({ job, deduplicationId })));
    uploads.forEach((upload, index) => {
      result.accepted.push({ key: upload.job.key, position: upload.position, messageId: messageIds[index] as string });
    });
  }
  logger.info('preload queued', { roomId: input.roomId, preloadId, accepted: result.accepted.length, rejected: result.rejected.length });
  return result;
}

/** Handles `POST /rooms/{roomId}/preloads` from API Gateway (HTTP API, payload version 2.0). */
export async function handlePreloadHttp(runtime: Runtime, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const raw = readRawBody(event);
    const headers = readHeaders(event);
    authenticateRequest(headers, raw, { apiKey: runtime.config.api.apiKey, apiSecret: await runtime.getSecret('bridgeApiSecret') });
    const nowMs = Date.now();
    const input = parsePreloadBody(runtime.config, event.pathParameters?.roomId, parseJsonObject(raw), nowMs);
    const idempotencyKey = headers['idempotency-key'];
    const result = await preloadFiles(runtime, input, { nowMs, ...(idempotencyKey ? { idempotencyKey } : {}) });
    // Nothing queued: the whole request failed, so the response is a client error listing every reason.
    const statusCode = result.accepted.length === 0 ? 422 : 202;
    return jsonResponse(statusCode, { status: statusCode === 202 ? 'accepted' : 'rejected', ...result });
  } catch (error) {
    return errorResponse(error);
  }
}
