import { callBridgeApi } from '../bin/bridge-api-client';
import type { UploadRecord } from '../infra/local/plugnmeet-simulator';
import { startBenchStack, waitUntil, type BenchStack } from './bench-stack';
import { makeLabelledPdf, sha256Hex } from './documents';
import { summarize, type Summary } from './stats';

/** Per-file overhead of one delivery path, in milliseconds. */
export interface PathOverhead {
  files: number;
  /** From the start signal (the S3 notification, or the API call) to the upload request reaching the simulator. */
  toServer: Summary;
  /** From the simulator's response to the settle signal (message deleted, or the API response read). */
  afterServer: Summary;
  /** `toServer + afterServer` per file: the bridge's own overhead. */
  total: Summary;
  /** Time inside the simulator, for context: its HEAD, HEAD and GET of the link, served by the bridge's link function and S3. */
  inServer: Summary;
  /** S3 path only: the S3 notification to the message's SentTimestamp (the ingest function). */
  toQueue?: Summary;
  /** S3 path only: SentTimestamp to the poller's ReceiveMessage returning it. */
  queueToReceive?: Summary;
  /** S3 path only: receive to the request reaching the simulator (worker start-up, HeadObject, link, signing). */
  receiveToServer?: Summary;
}

export interface OverheadResult {
  warmupFiles: number;
  s3Event: PathOverhead;
  pushApi: PathOverhead;
}

interface FileTiming {
  start: number;
  arrived: number;
  responded: number;
  settled: number;
  sentAt?: number;
  receivedAt?: number;
}

const ROOM_ID = 'overhead-room';

function findRecord(stack: BenchStack, sha256: string): UploadRecord | undefined {
  return stack.simulator.uploads.find((upload) => upload.sha256 === sha256 && upload.httpStatus === 200);
}

async function deliverThroughS3(stack: BenchStack, index: number): Promise<FileTiming> {
  const key = `rooms/${ROOM_ID}/s3-${index}.pdf`;
  const body = makeLabelledPdf(`overhead s3 ${index} ${Date.now()}`);
  const { completedAt } = await stack.putObject(key, body, 'application/pdf');
  const notifiedAt = stack.notifiedAt(key) ?? completedAt;
  await waitUntil(() => stack.queue.traceOf(key)?.deletedAt !== undefined, `the message of ${key} to be deleted`, 30_000);
  const record = findRecord(stack, sha256Hex(body));
  const trace = stack.queue.traceOf(key);
  if (!record || !trace?.deletedAt) throw new Error(`No delivery of ${key} recorded by the simulator.`);
  return {
    // The stand-in emits the notification before it sends the PutObject response; the earlier time counts.
    start: Math.min(notifiedAt, completedAt),
    arrived: record.startedAt,
    responded: record.finishedAt,
    settled: trace.deletedAt,
    sentAt: trace.sentAt,
    ...(trace.receivedAt[0] === undefined ? {} : { receivedAt: trace.receivedAt[0] }),
  };
}

async function deliverThroughApi(stack: BenchStack, index: number): Promise<FileTiming> {
  const key = `push/overhead-${index}.pdf`;
  const body = makeLabelledPdf(`overhead push ${index} ${Date.now()}`);
  await stack.putObject(key, body, 'application/pdf');
  const start = Date.now();
  const response = await callBridgeApi(stack.stack.description, `/rooms/${ROOM_ID}/files`, { key });
  const settled = Date.now();
  if (response.status !== 200) throw new Error(`The push API answered ${response.status} for ${key}: ${JSON.stringify(response.body)}`);
  const record = findRecord(stack, sha256Hex(body));
  if (!record) throw new Error(`No delivery of ${key} recorded by the simulator.`);
  return { start, arrived: record.startedAt, responded: record.finishedAt, settled };
}

function summarizePath(timings: FileTiming[]): PathOverhead {
  const toServer = timings.map((timing) => timing.arrived - timing.start);
  const afterServer = timings.map((timing) => timing.settled - timing.responded);
  const result: PathOverhead = {
    files: timings.length,
    toServer: summarize(toServer),
    afterServer: summarize(afterServer),
    total: summarize(toServer.map((value, index) => value + (afterServer[index] as number))),
    inServer: summarize(timings.map((timing) => timing.responded - timing.arrived)),
  };
  const queued = timings.filter((timing) => timing.sentAt !== undefined && timing.receivedAt !== undefined);
  if (queued.length === timings.length) {
    result.toQueue = summarize(queued.map((timing) => (timing.sentAt as number) - timing.start));
    result.queueToReceive = summarize(queued.map((timing) => (timing.receivedAt as number) - (timing.sentAt as number)));
    result.receiveToServer = summarize(queued.map((timing) => timing.arrived - (timing.receivedAt as number)));
  }
  return result;
}

/**
 * Measures the bridge's own time per file with conversion time 0, one file at a time so that no
 * file waits for another: `files` through S3 events and the queue, then `files` through the push
 * API, each after `warmupFiles` uncounted files that pay the cold start.
 */
export async function measureOverhead(options: { files: number; warmupFiles: number; settings: Record<string, string>; log: (line: string) => void }): Promise<OverheadResult> {
  const stack = await startBenchStack({ conversionMs: 0, lanes: 10, settings: options.settings });
  try {
    stack.simulator.setConversionMs(0);
    stack.simulator.createRoom(ROOM_ID);
    const s3Timings: FileTiming[] = [];
    for (let index = 0; index < options.warmupFiles + options.files; index++) {
      const timing = await deliverThroughS3(stack, index);
      if (index >= options.warmupFiles) s3Timings.push(timing);
    }
    options.log(`  S3 event path: ${s3Timings.length} files measured`);

    const apiTimings: FileTiming[] = [];
    for (let index = 0; index < options.warmupFiles + options.files; index++) {
      const timing = await deliverThroughApi(stack, index);
      if (index >= options.warmupFiles) apiTimings.push(timing);
    }
    options.log(`  push API path: ${apiTimings.length} files measured`);
    return { warmupFiles: options.warmupFiles, s3Event: summarizePath(s3Timings), pushApi: summarizePath(apiTimings) };
  } finally {
    await stack.stop();
  }
}
