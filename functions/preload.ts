import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handlePreloadHttp } from '../lib/preload-api';
import { getRuntime } from '../lib/runtime';

/** Serves `POST /rooms/{roomId}/preloads`: checks the files and queues them in order. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  return handlePreloadHttp(getRuntime(), event);
};
