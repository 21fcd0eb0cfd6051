import type { SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { UploadJob } from '../../lib/upload-job';

/** Builds an upload job with defaults; any field can be overridden. */
export function uploadJobFactory(overrides: Partial<UploadJob> = {}): UploadJob {
  return {
    v: 1,
    roomId: 'room-1',
    bucket: 'uploads',
    key: 'rooms/room-1/slides.pdf',
    source: 's3-event',
    enqueuedAt: new Date().toISOString(),
    deadline: new Date(Date.now() + 3_600_000).toISOString(),
    ...overrides,
  };
}

/** Builds an SQS FIFO record as Lambda delivers it, with a fresh message id and the room as its group. */
export function sqsRecordFactory(options: { job?: Partial<UploadJob>; body?: string; receiveCount?: number; groupId?: string } = {}): SQSRecord {
  const job = uploadJobFactory(options.job);
  const messageId = randomUUID();
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: options.body ?? JSON.stringify(job),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      MessageGroupId: options.groupId ?? job.roomId,
      MessageDeduplicationId: messageId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:pnm-bridge-uploads.fifo',
    awsRegion: 'us-east-1',
  };
}
