import { startBenchStack } from './bench-stack';
import { planWorkload, runWorkload, type WorkloadRun } from './makespan';
import type { NaiveUploaderOptions } from './naive-baseline';

/** Runs of the one-room workload, by the bridge and by the naive baseline, in turn. */
export interface OneRoomResult {
  conversionMs: number;
  files: number;
  lanes: number;
  warmupRuns: number;
  bridge: WorkloadRun[];
  naive: WorkloadRun[];
}

/** Pairs of runs (1 room, then `rooms` rooms, same files per room) for one deliverer. */
export interface ScalingRuns {
  single: WorkloadRun[];
  many: WorkloadRun[];
}

export interface ManyRoomsResult {
  conversionMs: number;
  rooms: number;
  filesPerRoom: number;
  lanes: number;
  warmupRuns: number;
  bridge: ScalingRuns;
  /** Undefined when the baseline was not run at this conversion time. */
  naive?: ScalingRuns;
}

interface CommonOptions {
  runs: number;
  conversionMs: number;
  lanes: number;
  settings: Record<string, string>;
  naive: NaiveUploaderOptions;
  timeoutMs: number;
  log: (line: string) => void;
}

function describeRun(run: WorkloadRun): string {
  return `${run.rooms}×${run.filesPerRoom} in ${(run.makespanMs / 1000).toFixed(2)} s, ${run.conflicts} × 409`;
}

/**
 * Runs one room with `files` files written one after another, the bridge against the naive
 * baseline on the same stack: one run of each in turn, after one uncounted warm-up run of each.
 */
export async function measureOneRoom(options: CommonOptions & { files: number }): Promise<OneRoomResult> {
  const stack = await startBenchStack({ conversionMs: options.conversionMs, lanes: options.lanes, settings: options.settings });
  try {
    const runOptions = { naive: options.naive, timeoutMs: options.timeoutMs };
    await runWorkload(stack, planWorkload('one-warm-b', 'rooms/', 1, 3), 'bridge', runOptions);
    await runWorkload(stack, planWorkload('one-warm-n', 'naive/', 1, 3), 'naive', runOptions);
    const result: OneRoomResult = { conversionMs: options.conversionMs, files: options.files, lanes: options.lanes, warmupRuns: 1, bridge: [], naive: [] };
    for (let run = 1; run <= options.runs; run++) {
      const bridge = await runWorkload(stack, planWorkload(`one-b${run}`, 'rooms/', 1, options.files), 'bridge', runOptions);
      result.bridge.push(bridge);
      const naive = await runWorkload(stack, planWorkload(`one-n${run}`, 'naive/', 1, options.files), 'naive', runOptions);
      result.naive.push(naive);
      options.log(`  run ${run}/${options.runs}: bridge ${describeRun(bridge)}; naive ${describeRun(naive)}`);
    }
    return result;
  } finally {
    await stack.stop();
  }
}

/**
 * `rooms` rooms × `filesPerRoom` files against 1 room × `filesPerRoom` files, on a stack whose
 * poller has `lanes` concurrent invocations. Each run does the bridge's pair and then, when
 * `withNaive` is set, the baseline's pair.
 */
export async function measureManyRooms(options: CommonOptions & { rooms: number; filesPerRoom: number; withNaive: boolean }): Promise<ManyRoomsResult> {
  const stack = await startBenchStack({ conversionMs: options.conversionMs, lanes: options.lanes, settings: options.settings });
  try {
    const runOptions = { naive: options.naive, timeoutMs: options.timeoutMs };
    const tag = `many${options.conversionMs}`;
    await runWorkload(stack, planWorkload(`${tag}-warm-b`, 'rooms/', 10, 2), 'bridge', runOptions);
    if (options.withNaive) await runWorkload(stack, planWorkload(`${tag}-warm-n`, 'naive/', 10, 2), 'naive', runOptions);

    const bridge: ScalingRuns = { single: [], many: [] };
    const naive: ScalingRuns = { single: [], many: [] };
    for (let run = 1; run <= options.runs; run++) {
      bridge.single.push(await runWorkload(stack, planWorkload(`${tag}-b${run}s`, 'rooms/', 1, options.filesPerRoom), 'bridge', runOptions));
      bridge.many.push(await runWorkload(stack, planWorkload(`${tag}-b${run}m`, 'rooms/', options.rooms, options.filesPerRoom), 'bridge', runOptions));
      let line = `  run ${run}/${options.runs}: bridge ${describeRun(bridge.single.at(-1) as WorkloadRun)} / ${describeRun(bridge.many.at(-1) as WorkloadRun)}`;
      if (options.withNaive) {
        naive.single.push(await runWorkload(stack, planWorkload(`${tag}-n${run}s`, 'naive/', 1, options.filesPerRoom), 'naive', runOptions));
        naive.many.push(await runWorkload(stack, planWorkload(`${tag}-n${run}m`, 'naive/', options.rooms, options.filesPerRoom), 'naive', runOptions));
        line += `; naive ${describeRun(naive.single.at(-1) as WorkloadRun)} / ${describeRun(naive.many.at(-1) as WorkloadRun)}`;
      }
      options.log(line);
    }
    return {
      conversionMs: options.conversionMs,
      rooms: options.rooms,
      filesPerRoom: options.filesPerRoom,
      lanes: options.lanes,
      warmupRuns: 1,
      bridge,
      ...(options.withNaive ? { naive } : {}),
    };
  } finally {
    await stack.stop();
  }
}
