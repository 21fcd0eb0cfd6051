import type { UploadRecord } from '../infra/local/plugnmeet-simulator';
import type { FailureRecord } from '../lib/failure-record';
import type { MessageTrace } from './queue-observer';
import type { SoakCategory, SoakFile } from './soak-plan';

/** The simulator's message for a request that died with its process (a restart). */
const DIED_IN_RESTART = 'the server process stopped before responding';

/**
 * Failure code of `UploadUnconfirmedError` (lib/errors.ts): the server downloaded the file but did
 * not respond within the upload timeout, so the worker tells an operator to check the room.
 */
const UNCONFIRMED_CODE = 'UPLOAD_UNCONFIRMED';

/** Report row of a file: its planned fault, or `restart` when a restart cut one of its requests. */
export type SoakRow = SoakCategory | 'restart';

/** Final state of a file. */
export type FileStatus =
  /** One or more 200 responses and no failure record. */
  | 'delivered'
  /** One or more 200 responses, and an UPLOAD_UNCONFIRMED record asking an operator to check. */
  | 'delivered-flagged'
  /** A failure record and no 200 response. */
  | 'failed'
  /** A 200 response and a failure record with another code. */
  | 'delivered-and-failed'
  /** Neither, and its message is gone from the queue (or never got there). */
  | 'lost'
  /** Neither, and its message is still on the queue: the run ended first. */
  | 'unfinished';

/** One upload request the simulator recorded for a file. */
export interface RequestRecord {
  httpStatus: number;
  message: string;
  startedAt: number;
}

export interface FileOutcome {
  file: SoakFile;
  row: SoakRow;
  status: FileStatus;
  /** 200 responses with this file's bytes. */
  deliveries: number;
  failure?: { code: string; reason: string };
  /** Requests whose link named this file, oldest first (injected 5xx and dropped connections name none). */
  requests: RequestRecord[];
  receives: number;
  /** When the bridge deleted the file's message, epoch ms. */
  deletedAt?: number;
}

/** Counts of one report row. */
export interface RowTally {
  row: SoakRow;
  files: number;
  /** Files with a 200 response, flagged ones included. */
  delivered: number;
  /** Delivered files that also got an UPLOAD_UNCONFIRMED record. */
  flagged: number;
  failed: number;
  /** Failure codes with their counts. */
  failureCodes: Record<string, number>;
  deliveredAndFailed: number;
  lost: number;
  duplicated: number;
  unfinished: number;
}

export interface SoakTally {
  outcomes: FileOutcome[];
  rows: RowTally[];
  totals: RowTally;
  /** Rooms where delivered files reached the whiteboard in another order than they were written. */
  roomsOutOfOrder: string[];
}

/** Returns the file stem a document link names: the last path segment up to the delivery suffix. */
function stemOfLink(link: string): string | undefined {
  if (link === '') return undefined;
  try {
    const segment = decodeURIComponent(new URL(link).pathname.split('/').pop() ?? '');
    return segment.split('-')[0];
  } catch {
    return undefined;
  }
}

function emptyTally(row: SoakRow): RowTally {
  return { row, files: 0, delivered: 0, flagged: 0, failed: 0, failureCodes: {}, deliveredAndFailed: 0, lost: 0, duplicated: 0, unfinished: 0 };
}

function addToTally(tally: RowTally, outcome: FileOutcome): void {
  tally.files += 1;
  if (outcome.deliveries > 1) tally.duplicated += 1;
  if (outcome.deliveries > 0) tally.delivered += 1;
  if (outcome.status === 'delivered-flagged') tally.flagged += 1;
  if (outcome.status === 'lost') tally.lost += 1;
  if (outcome.status === 'unfinished') tally.unfinished += 1;
  if (outcome.status === 'delivered-and-failed') tally.deliveredAndFailed += 1;
  if (outcome.status === 'failed') {
    tally.failed += 1;
    const code = outcome.failure?.code ?? 'UNKNOWN';
    tally.failureCodes[code] = (tally.failureCodes[code] ?? 0) + 1;
  }
}

function decideStatus(deliveries: number, failure: FailureRecord | undefined, trace: MessageTrace | undefined, stillQueued: boolean): FileStatus {
  if (deliveries > 0 && !failure) return 'delivered';
  if (deliveries > 0) return failure?.code === UNCONFIRMED_CODE ? 'delivered-flagged' : 'delivered-and-failed';
  if (failure) return 'failed';
  return trace?.deletedAt === undefined && stillQueued ? 'unfinished' : 'lost';
}

/**
 * Classifies every soak file from the evidence: the simulator's upload records (matched by SHA-256
 * for deliveries, by the link's file name for the request history), the failure queue's records
 * (by key), and the poller's message traces.
 *
 * @param stillQueued - true when the upload queue still held messages when the run ended
 */
export function tallySoak(
  plan: readonly SoakFile[],
  uploads: readonly UploadRecord[],
  failures: readonly FailureRecord[],
  traceOf: (key: string) => MessageTrace | undefined,
  stillQueued: boolean,
): SoakTally {
  const deliveriesBySha = new Map<string, UploadRecord[]>();
  const requestsByStem = new Map<string, UploadRecord[]>();
  for (const upload of uploads) {
    if (upload.httpStatus === 200 && upload.sha256) deliveriesBySha.set(upload.sha256, [...(deliveriesBySha.get(upload.sha256) ?? []), upload]);
    const stem = stemOfLink(upload.documentLink);
    if (stem) requestsByStem.set(stem, [...(requestsByStem.get(stem) ?? []), upload]);
  }
  const failureByKey = new Map<string, FailureRecord>();
  for (const failure of failures) if (failure.job?.key) failureByKey.set(failure.job.key, failure);

  const outcomes: FileOutcome[] = plan.map((file) => {
    const deliveries = deliveriesBySha.get(file.sha256) ?? [];
    const requests = [...(requestsByStem.get(file.stem) ?? [])].sort((a, b) => a.startedAt - b.startedAt);
    const failure = failureByKey.get(file.key);
    const trace = traceOf(file.key);
    const cutByRestart = requests.some((request) => request.httpStatus === 0 && request.message === DIED_IN_RESTART);
    return {
      file,
      row: cutByRestart ? 'restart' : file.category,
      status: decideStatus(deliveries.length, failure, trace, stillQueued),
      deliveries: deliveries.length,
      ...(failure ? { failure: { code: failure.code, reason: failure.reason } } : {}),
      requests: requests.map((request) => ({ httpStatus: request.httpStatus, message: request.message, startedAt: request.startedAt })),
      receives: trace?.receivedAt.length ?? 0,
      ...(trace?.deletedAt === undefined ? {} : { deletedAt: trace.deletedAt }),
    };
  });

  const rowOrder: SoakRow[] = ['clean', 'server-5xx', 'dropped-connection', 'slow-conversion', 'deleted-object', 'restart'];
  const rows = rowOrder.map(emptyTally);
  const totals = emptyTally('clean');
  for (const outcome of outcomes) {
    addToTally(rows[rowOrder.indexOf(outcome.row)] as RowTally, outcome);
    addToTally(totals, outcome);
  }

  const roomsOutOfOrder: string[] = [];
  const firstDelivery = (file: SoakFile): number => Math.min(...(deliveriesBySha.get(file.sha256) ?? []).map((upload) => upload.startedAt));
  const roomIds = [...new Set(plan.map((file) => file.roomId))];
  for (const roomId of roomIds) {
    const delivered = plan.filter((file) => file.roomId === roomId && deliveriesBySha.has(file.sha256));
    const byDelivery = [...delivered].sort((a, b) => firstDelivery(a) - firstDelivery(b));
    if (byDelivery.some((file, index) => index > 0 && file.position < (byDelivery[index - 1] as SoakFile).position)) roomsOutOfOrder.push(roomId);
  }

  return { outcomes, rows: rows.filter((row) => row.files > 0), totals, roomsOutOfOrder };
}
