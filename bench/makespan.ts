import type { UploadRecord } from '../infra/local/plugnmeet-simulator';
import { getRuntime } from '../lib/runtime';
import { waitUntil, type BenchStack } from './bench-stack';
import { makeLabelledPdf, sha256Hex } from './documents';
import { deliverNaively, type NaiveOutcome, type NaiveUploaderOptions } from './naive-baseline';

/** Deliverer of a workload's files: the bridge (S3 events, queue, worker) or the naive baseline. */
export type Deliverer = 'bridge' | 'naive';

/** One file of a workload. */
export interface WorkloadFile {
  roomId: string;
  /** Position in its room's write order, from 0. */
  position: number;
  key: string;
  body: Buffer;
  sha256: string;
}

/** Measurements of one workload run. */
export interface WorkloadRun {
  rooms: number;
  filesPerRoom: number;
  /**
   * From the first S3 notification of the workload's files to the last file's 200 response, in
   * milliseconds. The stand-in emits a notification before its PutObject response, so this is the
   * earliest moment any deliverer can know of a file.
   */
  makespanMs: number;
  /** From just before the first PutObject to the last PutObject response, in milliseconds. */
  writesMs: number;
  /** Files with at least one 200 response. */
  delivered: number;
  /** Files with more than one 200 response. */
  duplicated: number;
  /** 409 responses in the workload's rooms. */
  conflicts: number;
  /** Rooms whose files reached the whiteboard in another order than they were written. */
  roomsOutOfOrder: number;
  /** Highest number of uploads one room had in progress at once. */
  maxConcurrentPerRoom: number;
  /** Per room, from one file's response to the next file's request reaching the simulator, in milliseconds. */
  handoverGapsMs: number[];
  /** Per delivered file, from its request reaching the simulator to the 200 response (link fetch plus conversion), in milliseconds. */
  serverTimesMs: number[];
  /** CPU time of this process (the whole local stack) during the run, in milliseconds. */
  cpuMs: number;
  /** ReceiveMessage calls of the poller that returned nothing during the run. */
  emptyReceives: number;
}

/** Plans `rooms` × `filesPerRoom` files with unique bytes, under `prefix<roomId>/`. */
export function planWorkload(runId: string, prefix: string, rooms: number, filesPerRoom: number): WorkloadFile[] {
  const files: WorkloadFile[] = [];
  for (let room = 0; room < rooms; room++) {
    const roomId = `${runId}-r${room}`;
    for (let position = 0; position < filesPerRoom; position++) {
      const body = makeLabelledPdf(`${roomId} file ${position}`);
      files.push({ roomId, position, key: `${prefix}${roomId}/f${position}.pdf`, body, sha256: sha256Hex(body) });
    }
  }
  return files;
}

function groupByRoom<T extends { roomId: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.roomId) ?? [];
    group.push(item);
    groups.set(item.roomId, group);
  }
  return groups;
}

/**
 * Runs one workload: each room's files are written one after another, and the rooms side by
 * side. The bridge picks the files up from their S3 notifications; the naive baseline is started
 * for each file as soon as its PutObject returns. Resolves when every file has a 200 response.
 *
 * @param files - from `planWorkload`, with keys under `rooms/` for the bridge and outside it for
 *   the baseline, so the bridge ignores the baseline's files
 * @throws {Error} when the files are not all delivered within `timeoutMs`
 */
export async function runWorkload(
  stack: BenchStack,
  files: readonly WorkloadFile[],
  deliverer: Deliverer,
  options: { naive: NaiveUploaderOptions; timeoutMs: number },
): Promise<WorkloadRun> {
  const rooms = groupByRoom(files);
  for (const roomId of rooms.keys()) stack.simulator.createRoom(roomId);
  const runtime = getRuntime();
  const bucket = stack.stack.description.bucket;
  const naiveOutcomes: Array<Promise<NaiveOutcome>> = [];

  const cpuBefore = process.cpuUsage();
  const emptyReceivesBefore = stack.queue.emptyReceives;
  const startedAt = Date.now();
  await Promise.all(
    [...rooms.values()].map(async (roomFiles) => {
      for (const file of roomFiles) {
        const { etag } = await stack.putObject(file.key, file.body, 'application/pdf');
        if (deliverer === 'naive') {
          naiveOutcomes.push(deliverNaively(runtime, { roomId: file.roomId, bucket, key: file.key, etag, size: file.body.length }, options.naive));
        }
      }
    }),
  );
  const writesMs = Date.now() - startedAt;

  const expectedHashes = new Set(files.map((file) => file.sha256));
  const roomIds = new Set(rooms.keys());
  const successes = (): UploadRecord[] => stack.simulator.uploads.filter((upload) => upload.httpStatus === 200 && expectedHashes.has(upload.sha256 ?? ''));
  await waitUntil(() => new Set(successes().map((upload) => upload.sha256)).size === expectedHashes.size, `${expectedHashes.size} files delivered`, options.timeoutMs);
  const outcomes = await Promise.all(naiveOutcomes);
  if (deliverer === 'bridge') {
    await waitUntil(() => files.every((file) => stack.queue.traceOf(file.key)?.deletedAt !== undefined), 'every message deleted', options.timeoutMs);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const emptyReceives = stack.queue.emptyReceives - emptyReceivesBefore;

  const delivered = successes();
  const countBySha = new Map<string, number>();
  for (const upload of delivered) countBySha.set(upload.sha256 ?? '', (countBySha.get(upload.sha256 ?? '') ?? 0) + 1);
  const positionBySha = new Map(files.map((file) => [file.sha256, file.position]));

  let roomsOutOfOrder = 0;
  const handoverGapsMs: number[] = [];
  for (const [, roomUploads] of groupByRoom(delivered)) {
    const ordered = [...roomUploads].sort((a, b) => a.startedAt - b.startedAt);
    const positions = ordered.map((upload) => positionBySha.get(upload.sha256 ?? '') ?? -1);
    if (positions.some((position, index) => index > 0 && position < (positions[index - 1] as number))) roomsOutOfOrder += 1;
    for (let index = 1; index < ordered.length; index++) {
      handoverGapsMs.push((ordered[index] as UploadRecord).startedAt - (ordered[index - 1] as UploadRecord).finishedAt);
    }
  }

  const roomUploads = stack.simulator.uploads.filter((upload) => roomIds.has(upload.roomId));
  const conflicts = roomUploads.filter((upload) => upload.httpStatus === 409).length;
  if (deliverer === 'naive' && outcomes.reduce((sum, outcome) => sum + outcome.conflicts, 0) !== conflicts) {
    throw new Error('The naive uploader counted other 409 responses than the simulator did.');
  }
  return {
    rooms: rooms.size,
    filesPerRoom: Math.max(...[...rooms.values()].map((roomFiles) => roomFiles.length)),
    makespanMs: Math.max(...delivered.map((upload) => upload.finishedAt)) - Math.min(...files.map((file) => stack.notifiedAt(file.key) ?? startedAt)),
    writesMs,
    delivered: countBySha.size,
    duplicated: [...countBySha.values()].filter((count) => count > 1).length,
    conflicts,
    roomsOutOfOrder,
    maxConcurrentPerRoom: Math.max(...[...roomIds].map((roomId) => stack.simulator.counters.maxConcurrentByRoom[roomId] ?? 0)),
    handoverGapsMs,
    serverTimesMs: delivered.map((upload) => upload.finishedAt - upload.startedAt),
    cpuMs: (cpu.user + cpu.system) / 1000,
    emptyReceives,
  };
}
