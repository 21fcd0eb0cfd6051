import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { withLambdaContext } from '../lib/lambda-handler';
import { handlePreloadHttp } from '../lib/preload-api';
import { getRuntime } from '../lib/runtime';

/** Serves `POST /rooms/{roomId}/preloads`: checks the files and queues them in order. */
export const handler = withLambdaContext(async (event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  return handlePreloadHttp(getRuntime(), event);
});
