import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RoomBusyError } from '../../lib/errors';
import { processUploadBatch } from '../../lib/upload-batch';
import { RecordDeferredError } from '../../lib/upload-worker';
import { sqsRecordFactory } from '../helpers/sqs-record-factory';

// fauxqs hands out at most one message per group per receive, so a batch holding several records
// of one room can only be built by hand; SQS is mocked for the visibility calls of such a batch.
const sqsMock = mockClient(SQSClient);
const queueUrl = 'http://127.0.0.1:1/000000000000/pnm-bridge-uploads.fifo';

function recordsOf(roomId: string, count: number): SQSRecord[] {
  return Array.from({ length: count }, (_, index) => sqsRecordFactory({ job: { roomId, key: `rooms/${roomId}/${index}.pdf` } }));
}

describe('processUploadBatch', () => {
  beforeEach(() => {
    sqsMock.reset();
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
  });

  it('skips only the rest of the failed room', async () => {
    // Prepare: room A's second record is deferred; room B's records interleave with A's.
    const [a1, a2, a3] = recordsOf('room-a', 3) as [SQSRecord, SQSRecord, SQSRecord];
    const [b1, b2] = recordsOf('room-b', 2) as [SQSRecord, SQSRecord];
    const handled: string[] = [];
    const handleRecord = async (record: SQSRecord) => {
      handled.push(record.messageId);
      if (record === a2) throw new RecordDeferredError(40, { cause: new RoomBusyError('busy') });
    };

    // Act
    const response = await processUploadBatch({ Records: [a1, b1, a2, b2, a3] }, handleRecord, { sqs: new SQSClient({}), queueUrl });

    // Assess
    expect(handled).toStrictEqual([a1.messageId, b1.messageId, a2.messageId, b2.messageId]);
    expect(response.batchItemFailures).toStrictEqual([{ itemIdentifier: a2.messageId }, { itemIdentifier: a3.messageId }]);
  });

  it('hides skipped records as long as the failed record of their room', async () => {
    // Prepare
    const [a1, a2, a3] = recordsOf('room-a', 3) as [SQSRecord, SQSRecord, SQSRecord];
    const handleRecord = async (record: SQSRecord) => {
      if (record === a1) throw new RecordDeferredError(40, { cause: new RoomBusyError('busy') });
    };

    // Act
    await processUploadBatch({ Records: [a1, a2, a3] }, handleRecord, { sqs: new SQSClient({}), queueUrl });

    // Assess
    const calls = sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);
    expect(calls).toStrictEqual([
      { QueueUrl: queueUrl, ReceiptHandle: a2.receiptHandle, VisibilityTimeout: 40 },
      { QueueUrl: queueUrl, ReceiptHandle: a3.receiptHandle, VisibilityTimeout: 40 },
    ]);
  });

  it('reports every record without throwing when all fail', async () => {
    // Prepare
    const records = recordsOf('room-a', 2);
    const handleRecord = async () => {
      throw new RecordDeferredError(5, { cause: new RoomBusyError('busy') });
    };

    // Act
    const response = await processUploadBatch({ Records: records }, handleRecord, { sqs: new SQSClient({}), queueUrl });

    // Assess
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toStrictEqual(records.map((record) => record.messageId));
  });

  it('reports nothing when every record succeeds', async () => {
    const response = await processUploadBatch({ Records: recordsOf('room-a', 3) }, async () => undefined, { sqs: new SQSClient({}), queueUrl });
    expect(response.batchItemFailures).toStrictEqual([]);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });
});
