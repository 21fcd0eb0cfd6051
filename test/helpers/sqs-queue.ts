import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** Max receives before a helper stops draining a queue, so a broken stand-in cannot hang a test. */
const MAX_RECEIVES = 1_000;

/** Creates a client for preparing and reading queues on the SQS stand-in. */
export function createTestSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

export interface TestFifoQueue {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/**
 * Creates a fresh FIFO queue with a FIFO dead-letter queue (a FIFO queue's DLQ must be FIFO), with
 * explicit deduplication ids required, as the upload queue is deployed.
 */
export async function createFifoQueue(client: SQSClient, name = `uploads-${randomUUID().slice(0, 8)}`): Promise<TestFifoQueue> {
  const deadLetter = await client.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const deadLetterQueueUrl = deadLetter.QueueUrl as string;
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 3 }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl as string, deadLetterQueueUrl };
}

/** A message taken off a test queue. */
export interface ReceivedMessage {
  messageId: string;
  groupId: string | undefined;
  deduplicationId: string | undefined;
  body: unknown;
}

/**
 * Receives and deletes every message on the queue, in the order the queue hands them out, until a
 * receive comes back empty. Deleting each message at once releases its group, so the next message
 * of the same room comes with a later receive.
 */
export async function receiveAll(client: SQSClient, queueUrl: string): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  for (let receive = 0; receive < MAX_RECEIVES; receive += 1) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    if (Messages.length === 0) return received;
    for (const message of Messages) {
      received.push({
        messageId: message.MessageId as string,
        groupId: message.Attributes?.MessageGroupId,
        deduplicationId: message.Attributes?.MessageDeduplicationId,
        body: JSON.parse(message.Body ?? 'null') as unknown,
      });
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  throw new Error(`The queue ${queueUrl} still had messages after ${MAX_RECEIVES} receives.`);
}
