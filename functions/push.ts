import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { withLambdaContext } from '../lib/lambda-handler';
import { BridgeError } from '../lib/errors';
import { logger } from '../lib/logger';
import { handlePushHttp, parsePushBody, pushFile, type PushOutcome } from '../lib/push-api';
import { getRuntime } from '../lib/runtime';

/** Result of a direct invoke: the outcome, or the error's code and reason. */
export type PushInvokeResult = PushOutcome | { status: 'error'; code: string; message: string; retryable: boolean };

function isHttpEvent(event: unknown): event is APIGatewayProxyEventV2 {
  return typeof event === 'object' && event !== null && 'requestContext' in event && 'rawPath' in event;
}

/**
 * Delivers one file now. Serves `POST /rooms/{roomId}/files` (HTTP API) and a direct Lambda
 * invoke with `{roomId, key, bucket?}`, which IAM authorizes, so it needs no signature.
 */
export const handler = withLambdaContext(async (event: unknown, _context: Context): Promise<APIGatewayProxyStructuredResultV2 | PushInvokeResult> => {
  const runtime = getRuntime();
  if (isHttpEvent(event)) return handlePushHttp(runtime, event);

  try {
    const { roomId, ...body } = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    return await pushFile(runtime, parsePushBody(roomId, body));
  } catch (error) {
    if (error instanceof BridgeError) return { status: 'error', code: error.code, message: error.message, retryable: error.retryable };
    logger.error('direct invoke failed with an unexpected error', { error: error as Error });
    throw error;
  }
});
