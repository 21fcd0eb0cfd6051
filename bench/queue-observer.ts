import type {
  DeleteMessageBatchCommandInput,
  DeleteMessageBatchCommandOutput,
  Message,
  ReceiveMessageCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** Timeline of one upload-queue message, as the poller's SQS client saw it. */
export interface MessageTrace {
  messageId: string;
  /** The S3 key of the upload job in the body. */
  key: string;
  roomId: string;
  /** The queue's `SentTimestamp`: when the ingest function's SendMessageBatch stored it, epoch ms. */
  sentAt: number;
  /** When each ReceiveMessage that returned the message came back, epoch ms. */
  receivedAt: number[];
  /** When the DeleteMessageBatch that removed it came back, epoch ms; undefined while it is on the queue. */
  deletedAt?: number;
}

/** Traces of the upload queue's messages, filled in while the client works. */
export interface QueueObserver {
  /** Returns the trace of the latest message for `key`, or undefined when none was received. */
  traceOf(key: string): MessageTrace | undefined;
  traces(): MessageTrace[];
  /** ReceiveMessage calls that returned no message so far. */
  readonly emptyReceives: number;
}

function readJob(message: Message): { key: string; roomId: string } | undefined {
  try {
    const body = JSON.parse(message.Body ?? '') as { key?: unknown; roomId?: unknown };
    return typeof body.key === 'string' && typeof body.roomId === 'string' ? { key: body.key, roomId: body.roomId } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds a middleware to `client` that timestamps every message it receives and deletes, so the
 * benchmark learns when a message was settled without a hook in the bridge. Lambda deletes the
 * messages of a successful invocation itself; locally the poller does, through this client.
 *
 * @param options.onReceive - called for each received message before the poller hands it to the
 *   worker, so a caller can prepare a fault for exactly that attempt
 */
export function observeQueueClient(client: SQSClient, options: { onReceive?: (trace: MessageTrace) => void } = {}): QueueObserver {
  const byMessageId = new Map<string, MessageTrace>();
  const byKey = new Map<string, MessageTrace>();
  const messageIdByReceipt = new Map<string, string>();
  let emptyReceives = 0;

  const recordReceive = (output: ReceiveMessageCommandOutput, at: number): void => {
    if ((output.Messages ?? []).length === 0) emptyReceives += 1;
    for (const message of output.Messages ?? []) {
      const job = readJob(message);
      const messageId = message.MessageId;
      if (!job || !messageId) continue;
      let trace = byMessageId.get(messageId);
      if (!trace) {
        trace = { messageId, key: job.key, roomId: job.roomId, sentAt: Number(message.Attributes?.SentTimestamp ?? at), receivedAt: [] };
        byMessageId.set(messageId, trace);
        byKey.set(job.key, trace);
      }
      trace.receivedAt.push(at);
      if (message.ReceiptHandle) messageIdByReceipt.set(message.ReceiptHandle, messageId);
      options.onReceive?.(trace);
    }
  };

  const recordDelete = (input: DeleteMessageBatchCommandInput, output: DeleteMessageBatchCommandOutput, at: number): void => {
    const deleted = new Set((output.Successful ?? []).map((entry) => entry.Id));
    for (const entry of input.Entries ?? []) {
      if (!deleted.has(entry.Id)) continue;
      const messageId = messageIdByReceipt.get(entry.ReceiptHandle ?? '');
      const trace = messageId === undefined ? undefined : byMessageId.get(messageId);
      if (trace) trace.deletedAt = at;
    }
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const at = Date.now();
      if (context.commandName === 'ReceiveMessageCommand') recordReceive(result.output as ReceiveMessageCommandOutput, at);
      if (context.commandName === 'DeleteMessageBatchCommand') {
        recordDelete(args.input as DeleteMessageBatchCommandInput, result.output as DeleteMessageBatchCommandOutput, at);
      }
      return result;
    },
    { step: 'initialize', name: 'benchQueueObserver' },
  );

  return {
    traceOf: (key) => byKey.get(key),
    traces: () => [...byMessageId.values()],
    get emptyReceives() {
      return emptyReceives;
    },
  };
}
