import { SQSClient } from '@aws-sdk/client-sqs';
import type { BridgeConfig } from './config';

/** Time allowed to open a connection to SQS, in milliseconds, before the SDK retries. */
const CONNECTION_TIMEOUT_MS = 3_000;
/** Time allowed for one SQS request, in milliseconds, before the SDK retries. */
const REQUEST_TIMEOUT_MS = 10_000;

const clients = new Map<string, SQSClient>();

/**
 * Returns the SQS client of the process, one per region and endpoint. `config.queue.endpoint`
 * (`SQS_ENDPOINT`) points it at a local stand-in. On AWS the setting is unset, and the SDK sends
 * each request to the host in the queue URL. The connection and request timeouts keep an
 * unreachable SQS from holding the function until its own timeout, and the SDK's default retries
 * still apply.
 *
 * NOTE: the client signs for `AWS_REGION` (`config.s3.defaultRegion`), so the queue must live in
 * the function's region.
 */
export function getSqsClient(config: BridgeConfig): SQSClient {
  const region = config.s3.defaultRegion;
  const endpoint = config.queue.endpoint;
  const cacheKey = `${region} ${endpoint ?? ''}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = new SQSClient({
      region,
      ...(endpoint ? { endpoint } : {}),
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    });
    clients.set(cacheKey, client);
  }
  return client;
}
