/**
 * `npm run soak`: pushes many files through the local stack while the plugNmeet simulator fails in
 * the ways a real server does. Then it checks that every file was delivered once or recorded as
 * failed, in order, with one upload per room at a time. It writes its section of BENCHMARKS.md
 * and exits with 1 when a file was lost or duplicated, a room had two uploads at once, or files
 * arrived out of order.
 *
 * Environment variables (whole numbers): SOAK_FILES (default 1000), SOAK_ROOMS (50), SOAK_SEED (1),
 * SOAK_MAX_SECONDS (540; the run stops there and reports what is unfinished), SOAK_CONVERSION_MS
 * (200), SOAK_RESTARTS (3). POWERTOOLS_LOG_LEVEL sets the bridge's log level (default CRITICAL,
 * because the failures the soak provokes are logged as errors by design).
 */
import type { PlugnmeetSimulator } from '../infra/local/plugnmeet-simulator';
import type { FailureRecord } from '../lib/failure-record';
import { startBenchStack, type BenchStack } from './bench-stack';
import { writeSoakSection, BENCHMARKS_PATH } from './benchmarks-file';
import { describeMachine } from './machine';
import { planSoak, type SoakFile } from './soak-plan';
import { listSoakProblems, renderSoakReport, type SoakObservations, type SoakSettings } from './soak-report';
import { tallySoak } from './soak-tally';
import { summarize } from './stats';

/**
 * The worker's upload timeout. Under the soak's load on a 2-core machine a healthy request took up
 * to about 2 s, because the link fetch shares the CPU with everything else; 1.5 s flagged healthy files.
 */
const UPLOAD_TIMEOUT_MS = 4_000;
/** Simulator lock lifetime, longer than a slow conversion (the server's lock lives 5 minutes). */
const LOCK_TTL_MS = 6_000;
/** Extra conversion time of a slow file: past the upload timeout, but within the lock TTL. */
const SLOW_CONVERSION_EXTRA_MS = UPLOAD_TIMEOUT_MS + 1_000;
const POLL_INTERVAL_MS = 500;
const PROGRESS_INTERVAL_MS = 10_000;

function readWholeNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`Invalid ${name}=${JSON.stringify(raw)}: expected a whole number of at least ${min}.`);
  return value;
}

function readSettings(): SoakSettings {
  const rooms = readWholeNumber('SOAK_ROOMS', 50, 1);
  return {
    files: readWholeNumber('SOAK_FILES', 1_000, 1),
    rooms,
    seed: readWholeNumber('SOAK_SEED', 1, 0),
    maxSeconds: readWholeNumber('SOAK_MAX_SECONDS', 540, 10),
    conversionMs: readWholeNumber('SOAK_CONVERSION_MS', 200, 0),
    restarts: readWholeNumber('SOAK_RESTARTS', 3, 0),
    // One lane per room plus idle ones, as a mapping whose maximumConcurrency exceeds the room count.
    lanes: rooms + 10,
    lockTtlMs: LOCK_TTL_MS,
    uploadTimeoutMs: UPLOAD_TIMEOUT_MS,
    slowConversionExtraMs: SLOW_CONVERSION_EXTRA_MS,
    // Short back-offs and a short lock TTL, like the end-to-end tests, so that retries happen within the run.
    bridgeSettings: {
      UPLOAD_TIMEOUT_MS: String(UPLOAD_TIMEOUT_MS),
      LOCK_TTL_SECONDS: String(LOCK_TTL_MS / 1000),
      BUSY_BACKOFF_BASE_SECONDS: '1',
      BUSY_BACKOFF_CAP_SECONDS: '2',
      ROOM_WAIT_BACKOFF_BASE_SECONDS: '1',
      ROOM_WAIT_BACKOFF_CAP_SECONDS: '1',
    },
  };
}

function describeCommand(settings: SoakSettings): string {
  const defaults = readSettingsDefaults();
  const changed = (['files', 'rooms', 'seed', 'maxSeconds', 'conversionMs', 'restarts'] as const)
    .filter((field) => settings[field] !== defaults[field])
    .map((field) => `SOAK_${field.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}=${settings[field]}`);
  return [...changed, 'npm run soak'].join(' ');
}

function readSettingsDefaults(): Pick<SoakSettings, 'files' | 'rooms' | 'seed' | 'maxSeconds' | 'conversionMs' | 'restarts'> {
  return { files: 1_000, rooms: 50, seed: 1, maxSeconds: 540, conversionMs: 200, restarts: 3 };
}

/** Injects a file's planned fault for its room; called when the poller first receives its message. */
function injectPlannedFault(simulator: PlugnmeetSimulator, file: SoakFile): void {
  if (file.category === 'server-5xx') simulator.injectFault({ kind: 'status', status: file.status ?? 503, roomId: file.roomId });
  if (file.category === 'dropped-connection') simulator.injectFault({ kind: 'drop-connection', roomId: file.roomId });
  if (file.category === 'slow-conversion') simulator.injectFault({ kind: 'slow-conversion', extraMs: SLOW_CONVERSION_EXTRA_MS, roomId: file.roomId });
}

async function writeFiles(bench: BenchStack, plan: readonly SoakFile[]): Promise<void> {
  const rooms = new Map<string, SoakFile[]>();
  for (const file of plan) rooms.set(file.roomId, [...(rooms.get(file.roomId) ?? []), file]);
  await Promise.all(
    [...rooms.values()].map(async (files) => {
      for (const file of files) {
        await bench.putObject(file.key, file.body, 'application/pdf');
        if (file.category === 'deleted-object') await bench.deleteObject(file.key);
      }
    }),
  );
}

async function main(): Promise<number> {
  const settings = readSettings();
  const machine = describeMachine();
  const plan = planSoak(settings.files, settings.rooms, settings.seed);
  const fileByKey = new Map(plan.map((file) => [file.key, file]));
  const faultsInjected = new Set<string>();
  // The stack must exist before its simulator can take faults, and the receive hook is given to it at start.
  const faultTarget: { simulator?: PlugnmeetSimulator } = {};

  console.log(`soak: ${settings.files} files, ${settings.rooms} rooms, seed ${settings.seed}, at most ${settings.maxSeconds} s`);
  const bench = await startBenchStack({
    conversionMs: settings.conversionMs,
    lockTtlMs: settings.lockTtlMs,
    lanes: settings.lanes,
    settings: { ...settings.bridgeSettings, POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'CRITICAL' },
    onReceive: (trace) => {
      const file = fileByKey.get(trace.key);
      if (!file || !faultTarget.simulator || faultsInjected.has(file.key)) return;
      faultsInjected.add(file.key);
      injectPlannedFault(faultTarget.simulator, file);
    },
  });
  const simulator = bench.simulator;
  faultTarget.simulator = simulator;
  const roomIds = [...new Set(plan.map((file) => file.roomId))];
  for (const roomId of roomIds) simulator.createRoom(roomId);

  const startedAt = Date.now();
  const failures: FailureRecord[] = [];
  const restartsAtSeconds: number[] = [];
  let timedOut = false;
  try {
    let writesDone = false;
    const writing = writeFiles(bench, plan).then(() => {
      writesDone = true;
      console.log(`  all ${plan.length} files written after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    });

    const expectedHashes = new Set(plan.map((file) => file.sha256));
    const delivered = new Set<string>();
    let scanned = 0;
    let quietChecks = 0;
    let lastProgress = startedAt;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      failures.push(...(await bench.drainFailureRecords()));
      const uploads = simulator.uploads;
      for (; scanned < uploads.length; scanned++) {
        const upload = uploads[scanned];
        if (upload?.httpStatus === 200 && upload.sha256 && expectedHashes.has(upload.sha256)) delivered.add(upload.sha256);
      }
      const settled = delivered.size + failures.length;
      const nextRestart = ((restartsAtSeconds.length + 1) / (settings.restarts + 1)) * plan.length;
      if (restartsAtSeconds.length < settings.restarts && settled >= nextRestart) {
        await simulator.restart();
        restartsAtSeconds.push((Date.now() - startedAt) / 1000);
        console.log(`  simulator restarted at ${restartsAtSeconds.at(-1)?.toFixed(1)} s, with ${settled} files settled`);
      }

      const elapsedMs = Date.now() - startedAt;
      if (Date.now() - lastProgress >= PROGRESS_INTERVAL_MS) {
        lastProgress = Date.now();
        const { conflicts } = simulator.counters;
        console.log(`  ${(elapsedMs / 1000).toFixed(0)} s: ${delivered.size} delivered, ${failures.length} failed, ${conflicts} × 409 so far`);
      }
      // Done when the queue has stayed empty after the last write: for two checks once every file's
      // message was seen, or for ten when some never reached the queue (the ingest retries after 1 s and 2 s).
      quietChecks = writesDone && (await bench.countQueuedMessages()) === 0 ? quietChecks + 1 : 0;
      const allQueued = plan.every((file) => bench.queue.traceOf(file.key) !== undefined);
      if (quietChecks >= (allQueued ? 2 : 10)) break;
      if (elapsedMs > settings.maxSeconds * 1000) {
        timedOut = true;
        console.log(`  stopping: the ${settings.maxSeconds} s limit (SOAK_MAX_SECONDS) is reached`);
        break;
      }
    }
    await writing;
    failures.push(...(await bench.drainFailureRecords()));

    const stillQueued = (await bench.countQueuedMessages()) > 0;
    const tally = tallySoak(plan, simulator.uploads, failures, (key) => bench.queue.traceOf(key), stillQueued);
    const soakRooms = new Set(roomIds);
    const normalHashes = new Set(plan.filter((file) => file.category !== 'slow-conversion').map((file) => file.sha256));
    const counters = simulator.counters;
    const observations: SoakObservations = {
      durationSeconds: (Date.now() - startedAt) / 1000,
      timedOut,
      restartsAtSeconds,
      maxConcurrentPerRoom: Math.max(0, ...Object.entries(counters.maxConcurrentByRoom).filter(([roomId]) => soakRooms.has(roomId)).map(([, peak]) => peak)),
      concurrentViolations: counters.concurrentViolations,
      uploadRequests: counters.uploadRequests,
      successes: counters.successes,
      conflicts: counters.conflicts,
      otherFailures: counters.failures,
      crashes: counters.crashes,
      staleReuses: counters.staleReuses,
      pollerErrors: bench.pollerErrors.length,
      serverTimeMs: summarize(
        simulator.uploads
          .filter((upload) => upload.httpStatus === 200 && normalHashes.has(upload.sha256 ?? ''))
          .map((upload) => upload.finishedAt - upload.startedAt),
      ),
    };
    const markdown = renderSoakReport({ command: describeCommand(settings), machine, settings, tally, observations, startedAt });
    await writeSoakSection(markdown);
    console.log(`\n${markdown}\n\nwrote the soak section of ${BENCHMARKS_PATH}`);

    const problems = listSoakProblems(tally, observations);
    for (const problem of problems) console.error(`soak failed: ${problem}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await bench.stop();
  }
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
