import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { withLambdaContext } from '../lib/lambda-handler';
import { getRuntime } from '../lib/runtime';
import { getSqsClient } from '../lib/sqs-client';
import { processUploadBatch } from '../lib/upload-batch';
import { createUploadWorker } from '../lib/upload-worker';

/** FIFO upload queue consumer; its event source mapping must report batch item failures. */
export const handler = withLambdaContext(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const { config, getSecret, getClient } = getRuntime();
  const [linkSigningSecret, client] = await Promise.all([getSecret('linkSigningSecret'), getClient()]);
  const sqs = getSqsClient(config);
  const handleRecord = createUploadWorker({ config, linkSigningSecret, client, sqs });
  return processUploadBatch(event, handleRecord, { sqs, queueUrl: config.queue.url ?? '', context });
});
