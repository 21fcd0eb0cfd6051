import type { Context } from 'aws-lambda';
import { logger } from './logger';

/**
 * Wraps a Lambda handler so that every log line of an invocation carries the function's name and
 * request id, and no key appended during one invocation leaks into the next.
 */
export function withLambdaContext<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
): (event: TEvent, context: Context) => Promise<TResult> {
  return async function handleWithContext(event, context) {
    // A direct call without a context (a test, a script) still works, only without those fields.
    if (context) logger.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      logger.resetKeys();
    }
  };
}
