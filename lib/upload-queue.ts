import { setTimeout as sleep } from 'node:timers/promises';
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { BridgeConfig } from './config';
import { ConfigError, InvalidInputError, QueueError } from './errors';
import { logger } from './logger';
import { MAX_SQS_ID_LENGTH, toMessageGroupId } from './message-ids';
import { getSqsClient } from './sqs-client';
import type { UploadJob } from './upload-job';

/** SQS accepts at most 10 entries in one SendMessageBatch call. */
const MAX_BATCH_ENTRIES = 10;
/** Sends of one entry, the first included, before the bridge gives up on it. */
export const MAX_SEND_ATTEMPTS = 5;
/** Back-off before the first re-send, in milliseconds. It doubles with each further send. */
const BASE_BACKOFF_MS = 100;
/** SQS's rule for deduplication ids: printable ASCII without the space. */
const DEDUPLICATION_ID_PATTERN = /^[!-~]+$/;

/** One upload job and the deduplication id it is sent with. */
export interface QueuedUpload {
  job: UploadJob;
  deduplicationId: string;
}

/** Result of sending upload jobs to the queue. */
export interface EnqueueResult {
  /** SQS message ids, in the order of the input. */
  messageIds: string[];
}

/**
 * Returns the URL of the FIFO upload queue.
 *
 * @throws {ConfigError} when `UPLOAD_QUEUE_URL` is not set
 */
export function requireQueueUrl(config: BridgeConfig): string {
  if (!config.queue.url) {
    throw new ConfigError('Missing setting UPLOAD_QUEUE_URL: set it to the URL of the FIFO upload queue.');
  }
  return config.queue.url;
}

/** An entry the bridge gave up on, and the entries of its room left unsent behind it. */
interface GivenUp {
  index: number;
  reason: string;
  unsentBehind: number;
}

/**
 * Sends upload jobs to the FIFO upload queue with SendMessageBatch, grouped by room
 * (`toMessageGroupId(job.roomId)`), so that the worker receives each room's files in input order.
 *
 * SQS reports success or failure per entry, and a FIFO queue orders only the messages it accepted.
 * If a batch held two jobs of one room and the first failed while the second was accepted, a
 * re-send would land after the second one, and no deduplication id can undo that. So each call
 * carries at most one job per room (up to 10 rooms), and a room's next job is sent only after its
 * previous job was accepted. Calls run one after another. A failed entry is sent again after an
 * exponential back-off, up to {@link MAX_SEND_ATTEMPTS} sends. An entry SQS blames on the sender
 * (`SenderFault`) is not sent again. When the bridge gives up on an entry, the later jobs of that
 * room stay unsent, and the other rooms carry on.
 *
 * Each job keeps its deduplication id on every send. So an entry that SQS stored although it
 * reported a failure is not queued twice. And when a caller repeats the whole call after a
 * QueueError, SQS accepts the jobs that were already queued but does not deliver them twice, as
 * long as the repeat comes within SQS's 5-minute deduplication interval.
 *
 * @param config - the bridge settings; uses `queue.url`, `queue.endpoint` and the region
 * @param uploads - the jobs in the order the worker should see them, per room
 * @returns the SQS message id of every job, in input order
 * @throws {ConfigError} when `UPLOAD_QUEUE_URL` is not set
 * @throws {InvalidInputError} when a deduplication id is empty, longer than 128 characters, or
 *   contains characters SQS does not allow. Nothing is sent then.
 * @throws {QueueError} when a SendMessageBatch call fails as a whole (after the SDK's own
 *   retries), or when some jobs are still not accepted after the retries. Jobs accepted before
 *   that stay queued.
 */
export async function enqueueUploads(config: BridgeConfig, uploads: QueuedUpload[]): Promise<EnqueueResult> {
  const queueUrl = requireQueueUrl(config);
  uploads.forEach(checkDeduplicationId);
  if (uploads.length === 0) return { messageIds: [] };

  const client = getSqsClient(config);
  const state: SendState = {
    uploads,
    messageIds: new Array<string>(uploads.length),
    attempts: new Array<number>(uploads.length).fill(0),
    pendingByGroup: groupIndexes(uploads),
    givenUp: [],
  };

  while (state.pendingByGroup.size > 0) {
    // The head of each room's list is its earliest job not yet accepted.
    const heads = [...state.pendingByGroup.values()].map((indexes) => indexes[0] as number).sort((a, b) => a - b);
    let highestFailedAttempt = 0;
    for (let start = 0; start < heads.length; start += MAX_BATCH_ENTRIES) {
      const chunk = heads.slice(start, start + MAX_BATCH_ENTRIES);
      const output = await sendBatch(client, queueUrl, uploads, chunk);
      for (const index of chunk) {
        highestFailedAttempt = Math.max(highestFailedAttempt, recordResult(state, index, output));
      }
    }
    if (highestFailedAttempt > 0 && state.pendingByGroup.size > 0) {
      await sleep(backoffMs(highestFailedAttempt));
    }
  }

  if (state.givenUp.length > 0) throw toQueueError(uploads, state.givenUp);
  return { messageIds: state.messageIds };
}

interface SendState {
  uploads: QueuedUpload[];
  messageIds: string[];
  /** Sends so far, per upload index. */
  attempts: number[];
  /** Upload indexes not yet accepted, per message group, in input order. */
  pendingByGroup: Map<string, number[]>;
  givenUp: GivenUp[];
}

async function sendBatch(
  client: SQSClient,
  queueUrl: string,
  uploads: QueuedUpload[],
  chunk: number[],
): Promise<SendMessageBatchCommandOutput> {
  try {
    return await client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((index) => toEntry(uploads, index)) }),
    );
  } catch (error) {
    throw new QueueError(
      `Failed to send ${chunk.length} upload jobs to the upload queue: ${describeError(error)}. ` +
        'Jobs sent before this call stay queued, and repeating the whole call does not duplicate them.',
      { cause: error, facts: factsOf(uploads, chunk[0] as number) },
    );
  }
}

/**
 * Applies SQS's result for one entry: an accepted job leaves its room's list, a failed job stays
 * at its head for the next round, or the whole room is given up.
 *
 * @returns the number of sends of a job that will be sent again, else 0
 */
function recordResult(state: SendState, index: number, output: SendMessageBatchCommandOutput): number {
  const id = entryId(index);
  const attempt = (state.attempts[index] ?? 0) + 1;
  state.attempts[index] = attempt;
  const group = toMessageGroupId((state.uploads[index] as QueuedUpload).job.roomId);

  const messageId = output.Successful?.find((entry) => entry.Id === id)?.MessageId;
  if (messageId) {
    state.messageIds[index] = messageId;
    shiftGroup(state.pendingByGroup, group);
    return 0;
  }

  const failure = output.Failed?.find((entry) => entry.Id === id);
  const reason = failure
    ? `${failure.Code ?? 'an unknown error'} (sender fault: ${failure.SenderFault === true})`
    : 'no result in the SendMessageBatch response';
  if (failure?.SenderFault === true || attempt >= MAX_SEND_ATTEMPTS) {
    const pending = state.pendingByGroup.get(group) ?? [];
    state.givenUp.push({ index, reason: `${reason} after ${attempt} sends`, unsentBehind: pending.length - 1 });
    state.pendingByGroup.delete(group);
    return 0;
  }
  logger.warn('upload queue entry failed, sending it again', { ...factsOf(state.uploads, index), code: failure?.Code, attempt });
  return attempt;
}

function checkDeduplicationId(upload: QueuedUpload): void {
  const id = upload.deduplicationId;
  if (id.length > MAX_SQS_ID_LENGTH || !DEDUPLICATION_ID_PATTERN.test(id)) {
    throw new InvalidInputError(
      `Invalid deduplication id ${JSON.stringify(id)}: SQS allows 1 to 128 printable ASCII characters without spaces.`,
      { facts: { roomId: upload.job.roomId, bucket: upload.job.bucket, key: upload.job.key } },
    );
  }
}

/** Groups upload indexes by message group, each list in input order. */
function groupIndexes(uploads: QueuedUpload[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  uploads.forEach((upload, index) => {
    const group = toMessageGroupId(upload.job.roomId);
    const indexes = groups.get(group) ?? [];
    indexes.push(index);
    groups.set(group, indexes);
  });
  return groups;
}

function shiftGroup(groups: Map<string, number[]>, group: string): void {
  const indexes = groups.get(group);
  indexes?.shift();
  if (!indexes || indexes.length === 0) groups.delete(group);
}

function entryId(index: number): string {
  return `u${index}`;
}

function toEntry(uploads: QueuedUpload[], index: number): SendMessageBatchRequestEntry {
  const upload = uploads[index] as QueuedUpload;
  return {
    Id: entryId(index),
    MessageBody: JSON.stringify(upload.job),
    MessageGroupId: toMessageGroupId(upload.job.roomId),
    MessageDeduplicationId: upload.deduplicationId,
  };
}

/** Returns the wait before the next send of a job sent `attempt` times: exponential, spread ±25 % at random. */
function backoffMs(attempt: number): number {
  return BASE_BACKOFF_MS * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
}

function factsOf(uploads: QueuedUpload[], index: number): { roomId: string; bucket: string; key: string } {
  const { roomId, bucket, key } = (uploads[index] as QueuedUpload).job;
  return { roomId, bucket, key };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function toQueueError(uploads: QueuedUpload[], givenUp: GivenUp[]): QueueError {
  const details = givenUp.map(({ index, reason, unsentBehind }) => {
    const { roomId, key } = factsOf(uploads, index);
    const behind = unsentBehind > 0 ? `, and ${unsentBehind} later jobs of that room were not sent to keep their order` : '';
    return `room ${roomId} key ${JSON.stringify(key)} was rejected with ${reason}${behind}`;
  });
  const unsentTotal = givenUp.reduce((sum, entry) => sum + 1 + entry.unsentBehind, 0);
  return new QueueError(
    `Failed to enqueue ${unsentTotal} of ${uploads.length} upload jobs: ${details.join('; ')}.`,
    { facts: factsOf(uploads, (givenUp[0] as GivenUp).index) },
  );
}
