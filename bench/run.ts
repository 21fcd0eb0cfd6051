/**
 * `npm run bench`: measures the bridge on the local stack and writes BENCHMARKS.md. It takes
 * about 8 minutes on a 2-core machine and prints its progress; see BENCHMARKS.md for what each
 * figure means.
 */
import { DEPLOYED_WORKER_SETTINGS } from './bench-stack';
import { writeBenchSection, BENCHMARKS_PATH } from './benchmarks-file';
import { measureColdImports } from './cold-import';
import { describeMachine } from './machine';
import type { NaiveUploaderOptions } from './naive-baseline';
import { measureOverhead } from './overhead';
import { renderBenchReport } from './report';
import { measureManyRooms, measureOneRoom } from './workloads';
import { WORKER_MAX_CONCURRENCY } from '../infra/timing';

const NAIVE: NaiveUploaderOptions = { retrySleepMs: 1_000, maxAttempts: 300, uploadTimeoutMs: 60_000 };
/** Conversion time of the makespan workloads: a short deck. */
const CONVERSION_MS = 1_000;
/** A longer conversion for the second scaling table. */
const LONG_CONVERSION_MS = 3_000;
/** Lanes of a mapping with `maximumConcurrency` 60: ten more than the 50 rooms need. */
const EXTRA_LANES = 60;
const WORKLOAD_TIMEOUT_MS = 180_000;

function log(line: string): void {
  console.log(line);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const machine = describeMachine();
  // Errors only, so that progress stays readable; no error is expected in these workloads.
  const settings = { ...DEPLOYED_WORKER_SETTINGS, POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' };
  const common = { settings, naive: NAIVE, timeoutMs: WORKLOAD_TIMEOUT_MS, log };

  log('(a) bundle sizes and cold import times');
  const coldImport = await measureColdImports({ rounds: 15, warmupRounds: 2, log });

  log('(b) overhead per file, conversion time 0');
  const overhead = await measureOverhead({ files: 60, warmupFiles: 5, settings, log });

  log(`(c, d, f) one room, 10 files, ${CONVERSION_MS} ms conversions, bridge and naive baseline`);
  const oneRoom = await measureOneRoom({ ...common, runs: 5, files: 10, conversionMs: CONVERSION_MS, lanes: WORKER_MAX_CONCURRENCY });

  log(`(e, f) 50 rooms × 5 files against 1 room × 5 files, ${CONVERSION_MS} ms conversions, one lane per room`);
  const manyRooms = await measureManyRooms({ ...common, runs: 3, rooms: 50, filesPerRoom: 5, conversionMs: CONVERSION_MS, lanes: 50, withNaive: true });

  log(`(e) the bridge alone with ${EXTRA_LANES} lanes`);
  const manyRoomsExtraLanes = await measureManyRooms({ ...common, runs: 3, rooms: 50, filesPerRoom: 5, conversionMs: CONVERSION_MS, lanes: EXTRA_LANES, withNaive: false });

  log(`(e) the bridge alone with ${LONG_CONVERSION_MS} ms conversions`);
  const manyRoomsLongConversion = await measureManyRooms({ ...common, runs: 3, rooms: 50, filesPerRoom: 5, conversionMs: LONG_CONVERSION_MS, lanes: 50, withNaive: false });

  const markdown = renderBenchReport({
    command: 'npm run bench',
    machine,
    durationSeconds: (Date.now() - startedAt) / 1000,
    coldImport,
    overhead,
    oneRoom,
    manyRooms,
    manyRoomsVariants: [manyRoomsExtraLanes, manyRoomsLongConversion],
    naive: NAIVE,
    workerSettings: DEPLOYED_WORKER_SETTINGS,
  });
  await writeBenchSection(markdown);
  log(`wrote ${BENCHMARKS_PATH} after ${((Date.now() - startedAt) / 60_000).toFixed(1)} minutes`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
