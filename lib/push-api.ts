import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { authenticateRequest } from './api-auth';
import { deliverFile, type DeliveryHooks } from './deliver';
import { InvalidInputError, UploadOutcomeUnknownError } from './errors';
import { errorResponse, jsonResponse, parseJsonObject, readHeaders, readRawBody } from './http-api';
import { logger } from './logger';
import { validateRoomId } from './room-id';
import type { Runtime } from './runtime';

/** The file a caller asks to deliver now. */
export interface PushInput {
  roomId: string;
  key: string;
  bucket?: string;
}

export type PushOutcome =
  | { status: 'delivered'; roomId: string; bucket: string; key: string; filename: string; uploadMs: number }
  | { status: 'accepted'; roomId: string; bucket: string; key: string; message: string };

/**
 * Checks the fields of a push request body (`{key, bucket?}`) and rejects unknown ones, so that a
 * typo such as `Key` fails loudly instead of being ignored.
 *
 * @throws {InvalidInputError} naming the field and what it must be
 */
export function parsePushBody(roomId: unknown, body: Record<string, unknown>): PushInput {
  for (const field of Object.keys(body)) {
    if (field !== 'key' && field !== 'bucket') {
      throw new InvalidInputError(`Unknown field ${JSON.stringify(field)}: a push request has only key and bucket.`);
    }
  }
  const key = body.key;
  if (typeof key !== 'string' || key === '') {
    throw new InvalidInputError('Missing field key: give the S3 object key, for example "rooms/room-1/slides.pdf".');
  }
  const bucket = body.bucket;
  if (bucket !== undefined && (typeof bucket !== 'string' || bucket === '')) {
    throw new InvalidInputError('Invalid field bucket: expected a bucket name, or leave it out to use the default bucket.');
  }
  return { roomId: validateRoomId(roomId), key, ...(bucket ? { bucket } : {}) };
}

/**
 * Delivers a file now and waits for the server up to the push route's time budget
 * (`PUSH_WAIT_MS`). API Gateway ends an integration after about 30 seconds while a conversion can
 * take minutes, so when the server has sent no response within the budget the file is reported as
 * accepted: the server carries on converting whether or not anyone waits for its response.
 */
export async function pushFile(runtime: Runtime, input: PushInput, hooks: DeliveryHooks = {}): Promise<PushOutcome> {
  const bucket = input.bucket ?? runtime.config.s3.defaultBucket;
  const base = { roomId: input.roomId, bucket, key: input.key };
  logger.appendKeys(base);
  try {
    const [linkSigningSecret, client] = await Promise.all([runtime.getSecret('linkSigningSecret'), runtime.getClient()]);
    const result = await deliverFile(
      { config: runtime.config, linkSigningSecret, client },
      { ...base, attemptId: randomUUID(), timeoutMs: runtime.config.api.pushWaitMs },
      hooks,
    );
    logger.info('file delivered', { filename: result.filename, uploadMs: result.uploadMs });
    return { status: 'delivered', ...base, filename: result.filename, uploadMs: result.uploadMs };
  } catch (error) {
    // Only the route's own time budget means "still converting"; a proxy error or a lost connection
    // leaves the outcome unknown, and the caller must hear that instead of a promise.
    if (error instanceof UploadOutcomeUnknownError && error.kind === 'timeout') {
      logger.info('file accepted; the server is still converting', { waitedMs: runtime.config.api.pushWaitMs });
      return {
        status: 'accepted',
        ...base,
        message: 'The server took the file and is still converting it; it will appear on the whiteboard when done.',
      };
    }
    throw error;
  } finally {
    logger.removeKeys(['roomId', 'bucket', 'key']);
  }
}

/** Handles `POST /rooms/{roomId}/files` from API Gateway (HTTP API, payload version 2.0). */
export async function handlePushHttp(runtime: Runtime, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const raw = readRawBody(event);
    authenticateRequest(readHeaders(event), raw, { apiKey: runtime.config.api.apiKey, apiSecret: await runtime.getSecret('bridgeApiSecret') });
    const input = parsePushBody(event.pathParameters?.roomId, parseJsonObject(raw));
    const outcome = await pushFile(runtime, input);
    return jsonResponse(outcome.status === 'delivered' ? 200 : 202, outcome);
  } catch (error) {
    return errorResponse(error);
  }
}
