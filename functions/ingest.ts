import type { Context, S3Event } from 'aws-lambda';
import { getConfig } from '../lib/config';
import { withLambdaContext } from '../lib/lambda-handler';
import { ingestS3Event, type IngestSummary } from '../lib/s3-ingest';

/**
 * Entry point for S3 `ObjectCreated` notifications: queues one upload job per new object in a
 * room's folder. S3 invokes it asynchronously, so a thrown error makes Lambda retry the event.
 */
export const handler = withLambdaContext(async (event: S3Event | unknown, _context: Context): Promise<IngestSummary> => {
  return ingestS3Event(getConfig(), event);
});
