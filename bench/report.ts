import type { ColdImportResult, FunctionImport } from './cold-import';
import { formatMachine, type MachineDescription } from './machine';
import type { WorkloadRun } from './makespan';
import type { NaiveUploaderOptions } from './naive-baseline';
import type { OverheadResult, PathOverhead } from './overhead';
import { formatMedianRange, formatNumber, formatPercentiles, median, summarize, type Summary } from './stats';
import type { ManyRoomsResult, OneRoomResult, ScalingRuns } from './workloads';

/** Targets the figures are judged against. */
export const TARGETS = {
  coldImportOverEmptyMs: 15,
  overheadP50Ms: 20,
  oneRoomRatio: 1.05,
  conflictsPerFile: 0,
  manyRoomsRatio: 1.2,
} as const;

/** Everything `npm run bench` measured. */
export interface BenchResults {
  command: string;
  machine: MachineDescription;
  durationSeconds: number;
  coldImport: ColdImportResult;
  overhead: OverheadResult;
  oneRoom: OneRoomResult;
  manyRooms: ManyRoomsResult;
  /** The bridge alone with more lanes or longer conversions, to show what the ratio depends on. */
  manyRoomsVariants: ManyRoomsResult[];
  naive: NaiveUploaderOptions;
  /** Worker settings the bench deploys, as environment variables. */
  workerSettings: Readonly<Record<string, string>>;
}

function verdict(value: number, target: number): string {
  return value <= target ? 'met' : '**missed**';
}

function kib(bytes: number): string {
  return `${formatNumber(bytes / 1024, 0)} KiB`;
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function ratios(runs: readonly WorkloadRun[], divisor: (run: WorkloadRun, index: number) => number): Summary {
  return summarize(runs.map((run, index) => run.makespanMs / divisor(run, index)));
}

function conflictsPerFile(runs: readonly WorkloadRun[]): number {
  const conflicts = runs.reduce((sum, run) => sum + run.conflicts, 0);
  const delivered = runs.reduce((sum, run) => sum + run.delivered, 0);
  return conflicts / delivered;
}

function scalingRatios(runs: ScalingRuns): Summary {
  return ratios(runs.many, (_run, index) => (runs.single[index] as WorkloadRun).makespanMs);
}

function sumOf(runs: readonly WorkloadRun[], pick: (run: WorkloadRun) => number): number {
  return runs.reduce((sum, run) => sum + pick(run), 0);
}

function worstImport(functions: readonly FunctionImport[], pick: (item: FunctionImport) => Summary): FunctionImport {
  return functions.reduce((worst, item) => (pick(item).median > pick(worst).median ? item : worst));
}

function renderSummary(results: BenchResults): string {
  const { coldImport, overhead, oneRoom, manyRooms } = results;
  const plainWorst = worstImport(coldImport.functions, (item) => item.overEmpty);
  const mapsWorst = worstImport(coldImport.functions, (item) => item.overEmptyWithSourceMaps);
  const oneRoomRatio = ratios(oneRoom.bridge, () => oneRoom.files * oneRoom.conversionMs);
  const naiveOneRoomRatio = ratios(oneRoom.naive, () => oneRoom.files * oneRoom.conversionMs);
  const bridgeConflicts = conflictsPerFile([...oneRoom.bridge, ...manyRooms.bridge.single, ...manyRooms.bridge.many]);
  const manyRatio = scalingRatios(manyRooms.bridge);
  const naive = manyRooms.naive as ScalingRuns;
  const naiveManyRatio = scalingRatios(naive);
  const naiveConflicts = conflictsPerFile([...oneRoom.naive, ...naive.single, ...naive.many]);
  const pairs = oneRoom.bridge.map((run, index) => run.makespanMs / (oneRoom.naive[index] as WorkloadRun).makespanMs);
  const manyPairs = manyRooms.bridge.many.map((run, index) => run.makespanMs / (naive.many[index] as WorkloadRun).makespanMs);

  return table(
    ['Figure', 'Target', 'Result: median (spread)', 'Verdict'],
    [
      [
        `(a) cold import over empty Node, slowest function (\`${plainWorst.name}\`)`,
        `≤ ${TARGETS.coldImportOverEmptyMs} ms`,
        formatPercentiles(plainWorst.overEmpty, 1, ' ms'),
        verdict(plainWorst.overEmpty.median, TARGETS.coldImportOverEmptyMs),
      ],
      [
        `(a) the same with \`--enable-source-maps\`, as deployed (\`${mapsWorst.name}\`)`,
        `≤ ${TARGETS.coldImportOverEmptyMs} ms`,
        formatPercentiles(mapsWorst.overEmptyWithSourceMaps, 1, ' ms'),
        verdict(mapsWorst.overEmptyWithSourceMaps.median, TARGETS.coldImportOverEmptyMs),
      ],
      [
        `(b) bridge overhead per file, S3 event path (${overhead.s3Event.files} files)`,
        `p50 ≤ ${TARGETS.overheadP50Ms} ms`,
        `p50 ${formatNumber(overhead.s3Event.total.median, 1)} ms, p95 ${formatNumber(overhead.s3Event.total.p95, 1)} ms`,
        verdict(overhead.s3Event.total.median, TARGETS.overheadP50Ms),
      ],
      [
        `(b) bridge overhead per file, push API path (${overhead.pushApi.files} files)`,
        `p50 ≤ ${TARGETS.overheadP50Ms} ms`,
        `p50 ${formatNumber(overhead.pushApi.total.median, 1)} ms, p95 ${formatNumber(overhead.pushApi.total.p95, 1)} ms`,
        verdict(overhead.pushApi.total.median, TARGETS.overheadP50Ms),
      ],
      [
        `(c) 1 room × ${oneRoom.files} files: makespan ÷ Σ conversion (${oneRoom.conversionMs} ms each)`,
        `≤ ${TARGETS.oneRoomRatio}`,
        formatMedianRange(oneRoomRatio, 3),
        verdict(oneRoomRatio.median, TARGETS.oneRoomRatio),
      ],
      [
        '(d) 409 responses per delivered file, (c) and (e) together',
        `${TARGETS.conflictsPerFile}`,
        `${formatNumber(bridgeConflicts, 3)} (${sumOf([...oneRoom.bridge, ...manyRooms.bridge.single, ...manyRooms.bridge.many], (run) => run.conflicts)} in ${sumOf([...oneRoom.bridge, ...manyRooms.bridge.single, ...manyRooms.bridge.many], (run) => run.delivered)} files)`,
        verdict(bridgeConflicts, TARGETS.conflictsPerFile),
      ],
      [
        `(e) ${manyRooms.rooms} rooms × ${manyRooms.filesPerRoom} files ÷ 1 room × ${manyRooms.filesPerRoom} files (${manyRooms.conversionMs} ms each)`,
        `≤ ${TARGETS.manyRoomsRatio}`,
        formatMedianRange(manyRatio, 3),
        verdict(manyRatio.median, TARGETS.manyRoomsRatio),
      ],
      [
        '(f) bridge ÷ naive baseline: (c) makespan',
        '—',
        `${formatMedianRange(summarize(pairs), 3)}; naive (c) ratio ${formatMedianRange(naiveOneRoomRatio, 3)}`,
        '',
      ],
      [
        '(f) bridge ÷ naive baseline: (d) 409s per file',
        '—',
        `${formatNumber(bridgeConflicts, 3)} ÷ ${formatNumber(naiveConflicts, 2)} = ${formatNumber(bridgeConflicts / naiveConflicts, 3)}`,
        '',
      ],
      [
        `(f) bridge ÷ naive baseline: (e) ${manyRooms.rooms}×${manyRooms.filesPerRoom} makespan`,
        '—',
        `${formatMedianRange(summarize(manyPairs), 3)}; naive (e) ratio ${formatMedianRange(naiveManyRatio, 3)}`,
        '',
      ],
    ],
  );
}

function renderColdImport(result: ColdImportResult): string {
  const rows = result.functions.map((item) => [
    `\`${item.name}\``,
    kib(item.bundleBytes),
    kib(item.sourceMapBytes),
    item.shares
      .slice(0, 3)
      .map((share) => `${share.group} ${formatNumber((share.bytes / item.bundleBytes) * 100, 0)}%`)
      .join(', '),
    formatPercentiles(item.overEmpty, 1, ' ms'),
    formatPercentiles(item.overEmptyWithSourceMaps, 1, ' ms'),
  ]);
  return [
    '## (a) Bundle size and cold import time',
    '',
    'Each `functions/*.ts` is built with esbuild using serverless.yml\'s `custom.esbuild` settings: bundle, minify, CommonJS,',
    'target node20, platform node, keepNames, external source map without sources, and nothing left out, so the AWS SDK',
    `is inside the bundle. Each round starts fresh Node processes in turn: \`node -e ""\`, then \`node -e "require(bundle)"\``,
    'for every function, and both again with `--enable-source-maps`, which serverless.yml puts in `NODE_OPTIONS`.',
    `${result.rounds} rounds are counted after ${result.warmupRounds} warm-up rounds. A figure is the per-round difference`,
    'from the empty process of the same round: p50 (p5–p95). Shares are bytes in the output by source package (esbuild metafile).',
    '',
    `Empty Node: ${formatPercentiles(result.emptyNode, 1, ' ms')}; with \`--enable-source-maps\`: ${formatPercentiles(result.emptyNodeWithSourceMaps, 1, ' ms')}.`,
    '',
    table(['Function', 'Bundle', 'Source map', 'Largest parts', 'Import over empty Node', 'Same, with source maps'], rows),
  ].join('\n');
}

function overheadRows(path: PathOverhead, labels: { start: string; settle: string }): string[][] {
  const rows: string[][] = [[`${labels.start} → request reaches the simulator`, formatPercentiles(path.toServer, 1, ' ms')]];
  if (path.toQueue && path.queueToReceive && path.receiveToServer) {
    rows.push(['&nbsp;&nbsp;of which: notification → message stored (ingest function)', formatPercentiles(path.toQueue, 1, ' ms')]);
    rows.push(['&nbsp;&nbsp;of which: message stored → received by the poller', formatPercentiles(path.queueToReceive, 1, ' ms')]);
    rows.push(['&nbsp;&nbsp;of which: received → request reaches the simulator (worker)', formatPercentiles(path.receiveToServer, 1, ' ms')]);
  }
  rows.push([`simulator's response → ${labels.settle}`, formatPercentiles(path.afterServer, 1, ' ms')]);
  rows.push(['**bridge overhead (the two above)**', `**${formatPercentiles(path.total, 1, ' ms')}**`]);
  rows.push(['for context: request → response inside the simulator (link HEAD, HEAD, GET; no conversion)', formatPercentiles(path.inServer, 1, ' ms')]);
  return rows;
}

function renderOverhead(result: OverheadResult): string {
  return [
    '## (b) Overhead per file',
    '',
    'Conversion time 0 (`setConversionMs(0)`), one file at a time, so no file waits for another. The first',
    `${result.warmupFiles} files of each path pay the cold start and are not counted. All timestamps are \`Date.now()\` in the one`,
    'Node process that runs the whole stack, so they share a clock (1 ms resolution):',
    '',
    '- *S3 notification*: the S3 stand-in emits `ObjectCreated` (before it sends the PutObject response, so this is earlier',
    '  than PutObject completion).',
    '- *message stored*: the upload message\'s `SentTimestamp`. *received*: the poller\'s ReceiveMessage returned it.',
    '- *request reaches the simulator*: `UploadRecord.startedAt`, set when the upload handler starts, after the body is read',
    '  and the signature checked. *simulator\'s response*: `UploadRecord.finishedAt`, set when the response is written.',
    '- *message deleted*: the poller\'s DeleteMessageBatch returned (what Lambda does after a successful invocation).',
    '- Push API: *API call* is just before the signed `POST /rooms/{roomId}/files`; *API response read* is after its body.',
    '',
    `### S3 event path (${result.s3Event.files} files)`,
    '',
    table(['Segment', 'p50 (p5–p95)'], overheadRows(result.s3Event, { start: 'S3 notification', settle: 'message deleted' })),
    '',
    `### Push API path (${result.pushApi.files} files)`,
    '',
    table(['Segment', 'p50 (p5–p95)'], overheadRows(result.pushApi, { start: 'API call', settle: 'API response read' })),
  ].join('\n');
}

function runRows(label: string, runs: readonly WorkloadRun[], conversionMs: number, sumConversionMs: number | undefined): string[] {
  const makespans = summarize(runs.map((run) => run.makespanMs / 1000));
  const gaps = runs.flatMap((run) => run.handoverGapsMs);
  const fetchTimes = runs.flatMap((run) => run.serverTimesMs.map((ms) => ms - conversionMs));
  return [
    label,
    `${formatMedianRange(makespans, 2, ' s')}`,
    sumConversionMs === undefined ? '' : formatMedianRange(ratios(runs, () => sumConversionMs), 3),
    formatNumber(conflictsPerFile(runs), 2),
    `${sumOf(runs, (run) => run.roomsOutOfOrder)} of ${sumOf(runs, (run) => run.rooms)}`,
    String(Math.max(...runs.map((run) => run.maxConcurrentPerRoom))),
    gaps.length === 0 ? '' : formatPercentiles(summarize(gaps), 0, ' ms'),
    formatPercentiles(summarize(fetchTimes), 0, ' ms'),
  ];
}

const RUN_HEADER = ['Deliverer', 'Makespan', 'Makespan ÷ Σ conversion', '409s per file', 'Rooms out of order', 'Max uploads per room', 'Handover gap', 'Server time beyond conversion'];

function renderOneRoom(result: OneRoomResult, naive: NaiveUploaderOptions): string {
  const sum = result.files * result.conversionMs;
  const duplicated = sumOf([...result.bridge, ...result.naive], (run) => run.duplicated);
  return [
    `## (c) and (d): one room, ${result.files} files`,
    '',
    `Conversion time ${result.conversionMs} ms per file (a short deck; real soffice and mutool work takes seconds), so Σ conversion is`,
    `${sum / 1000} s, the physical lower bound on the makespan. The files are written one after another. *Makespan* runs from the`,
    'first S3 notification of the run to the last 200 response. The poller runs',
    `${result.lanes} lanes, the deployed \`maximumConcurrency\`. ${result.bridge.length} runs of each deliverer, alternating, after ${result.warmupRuns} uncounted warm-up run of each.`,
    '*Handover gap*: one file\'s response to the next file\'s request reaching the simulator in the same room.',
    '*Server time beyond conversion*: request to response minus the conversion time, mostly the server fetching the link',
    '(HEAD, HEAD, GET through the bridge\'s link function, then S3).',
    `The naive baseline (bench/naive-baseline.ts) sends every file as soon as it is written and retries after a fixed ${naive.retrySleepMs} ms on a 409.`,
    `Files delivered twice: ${duplicated}.`,
    '',
    table(RUN_HEADER, [runRows('bridge', result.bridge, result.conversionMs, sum), runRows('naive baseline', result.naive, result.conversionMs, sum)]),
  ].join('\n');
}

function renderScaling(result: ManyRoomsResult): string {
  const rows: string[][] = [];
  const sum = result.filesPerRoom * result.conversionMs;
  const add = (label: string, runs: ScalingRuns): void => {
    rows.push(runRows(`${label}, 1 × ${result.filesPerRoom}`, runs.single, result.conversionMs, sum));
    rows.push(runRows(`${label}, ${result.rooms} × ${result.filesPerRoom}`, runs.many, result.conversionMs, sum));
  };
  add('bridge', result.bridge);
  if (result.naive) add('naive baseline', result.naive);
  const cpu = (runs: readonly WorkloadRun[]): string =>
    `${formatNumber(median(runs.map((run) => run.cpuMs / 1000)), 1)} s CPU in ${formatNumber(median(runs.map((run) => run.makespanMs / 1000)), 1)} s`;
  const ratioLines = [`- bridge: ${result.rooms}×${result.filesPerRoom} ÷ 1×${result.filesPerRoom} = ${formatMedianRange(scalingRatios(result.bridge), 3)}`];
  if (result.naive) ratioLines.push(`- naive baseline: ${formatMedianRange(scalingRatios(result.naive), 3)}`);
  return [
    `### Conversion ${result.conversionMs} ms, ${result.lanes} lanes`,
    '',
    table(RUN_HEADER, rows),
    '',
    ...ratioLines,
    `- CPU of the whole stack during the bridge's ${result.rooms}×${result.filesPerRoom} runs (median): ${cpu(result.bridge.many)}; during 1×${result.filesPerRoom}: ${cpu(result.bridge.single)}.`,
    `- Empty ReceiveMessage responses during the bridge's ${result.rooms}×${result.filesPerRoom} runs (median): ${formatNumber(median(result.bridge.many.map((run) => run.emptyReceives)), 0)}.`,
  ].join('\n');
}

function renderManyRooms(main: ManyRoomsResult, variants: readonly ManyRoomsResult[]): string {
  return [
    `## (e) ${main.rooms} rooms × ${main.filesPerRoom} files against 1 room × ${main.filesPerRoom} files`,
    '',
    `A deployed worker gets one invocation per room with queued files, up to the event source mapping's \`maximumConcurrency\``,
    `(stage parameter \`workerMaxConcurrency\`, default 10). To serve ${main.rooms} rooms at once it must be at least ${main.rooms}, and the local`,
    `poller matches that with ${main.lanes} lanes. With the default 10, ${main.rooms} rooms are served 10 at a time, so the ratio`,
    `would be at least ${main.rooms / 10} by arithmetic. Each run does 1×${main.filesPerRoom} and then ${main.rooms}×${main.filesPerRoom} for the bridge, then the same for the baseline;`,
    `${main.bridge.single.length} runs after ${main.warmupRuns} uncounted warm-up run. A ratio is taken within a run and the spread is over runs.`,
    'The later tables repeat the bridge alone with other lanes or conversion times.',
    '',
    renderScaling(main),
    ...variants.flatMap((variant) => ['', renderScaling(variant)]),
  ].join('\n');
}

function renderMisses(results: BenchResults): string {
  const { coldImport, overhead, oneRoom, manyRooms } = results;
  const lines: string[] = [];
  const slowest = worstImport(coldImport.functions, (item) => item.overEmpty);
  if (slowest.overEmpty.median > TARGETS.coldImportOverEmptyMs) {
    const sdkShare = slowest.shares.filter((share) => share.group === '@aws-sdk/*' || share.group === '@smithy/*' || share.group === '@aws-crypto/*');
    const sdkBytes = sdkShare.reduce((sum, share) => sum + share.bytes, 0);
    lines.push(
      `- **(a)** Every bundle takes far more than ${TARGETS.coldImportOverEmptyMs} ms to load, because the bundles are large: ${kib(slowest.bundleBytes)} of minified`,
      `  JavaScript for \`${slowest.name}\`, of which the AWS SDK (\`@aws-sdk\`, \`@smithy\`, \`@aws-crypto\`) is ${formatNumber((sdkBytes / slowest.bundleBytes) * 100, 0)}%. Node loads and runs`,
      '  all of it on every cold start (not profiled further), and `--enable-source-maps` adds reading a map larger than the bundle.',
    );
  }
  for (const [label, path] of [
    ['S3 event', overhead.s3Event],
    ['push API', overhead.pushApi],
  ] as const) {
    if (path.total.median > TARGETS.overheadP50Ms) {
      const worker = path.receiveToServer ? `, of which ${formatNumber(path.receiveToServer.median, 1)} ms from the receive to the request (worker: HeadObject, link, signing)` : '';
      lines.push(
        `- **(b)** The ${label} path's p50 overhead is ${formatNumber(path.total.median, 1)} ms: ${formatNumber(path.toServer.median, 1)} ms before the upload request${worker},`,
        `  and ${formatNumber(path.afterServer.median, 1)} ms after the response. The functions share one event loop with the S3 and SQS stand-ins here.`,
      );
    }
  }
  const oneRoomRatio = ratios(oneRoom.bridge, () => oneRoom.files * oneRoom.conversionMs);
  if (oneRoomRatio.median > TARGETS.oneRoomRatio) {
    const gaps = summarize(oneRoom.bridge.flatMap((run) => run.handoverGapsMs));
    const fetches = summarize(oneRoom.bridge.flatMap((run) => run.serverTimesMs.map((ms) => ms - oneRoom.conversionMs)));
    lines.push(
      `- **(c)** ${formatNumber(oneRoomRatio.median, 3)}: each file costs its conversion plus about ${formatNumber(fetches.median, 0)} ms of link fetching inside the server`,
      `  and a ${formatNumber(gaps.median, 0)} ms handover (delete, FIFO release, receive, HeadObject, link, request) before the next one starts.`,
      `  Against ${oneRoom.conversionMs} ms conversions that is ${formatNumber(((fetches.median + gaps.median) / oneRoom.conversionMs) * 100, 1)}%; the ratio falls as conversions get longer.`,
    );
  }
  const manyRatio = scalingRatios(manyRooms.bridge);
  if (manyRatio.median > TARGETS.manyRoomsRatio) {
    const many = manyRooms.bridge.many;
    const cpuShare = median(many.map((run) => run.cpuMs / run.makespanMs));
    const perFile = median(many.map((run) => run.cpuMs / (run.rooms * run.filesPerRoom)));
    const extraServerTime = (runs: readonly WorkloadRun[]): number => median(runs.flatMap((run) => run.serverTimesMs.map((ms) => ms - manyRooms.conversionMs)));
    const scheduling =
      sumOf(many, (run) => run.conflicts) === 0 && sumOf(many, (run) => run.roomsOutOfOrder) === 0 && Math.max(...many.map((run) => run.maxConcurrentPerRoom)) <= 1
        ? 'The bridge kept its schedule: no 409, at most one upload per room, every room in order.'
        : 'The bridge did not keep its schedule: see the 409, order and per-room columns.';
    lines.push(
      `- **(e)** ${formatNumber(manyRatio.median, 3)}. ${scheduling} The whole stack is one Node process, and during the`,
      `  ${manyRooms.rooms}×${manyRooms.filesPerRoom} runs it used ${formatNumber(cpuShare, 2)} s of CPU per second (one core is 1.0), about ${formatNumber(perFile, 0)} ms per file across the S3 stand-in`,
      '  (SigV4 checks on every request), fauxqs, the simulator, the bridge\'s functions and the AWS SDK calls of all of them.',
      `  The server time beyond conversion, mostly the link fetch, rises from ${formatNumber(extraServerTime(manyRooms.bridge.single), 0)} ms (p50) with one room to`,
      `  ${formatNumber(extraServerTime(many), 0)} ms with ${manyRooms.rooms}. On AWS these parts run on separate machines, so this ratio describes this machine more than the bridge.`,
    );
    const mainEmptyReceives = median(manyRooms.bridge.many.map((run) => run.emptyReceives));
    for (const variant of results.manyRoomsVariants) {
      const ratio = formatNumber(scalingRatios(variant.bridge).median, 3);
      if (variant.lanes !== manyRooms.lanes) {
        const emptyReceives = median(variant.bridge.many.map((run) => run.emptyReceives));
        lines.push(
          `  With ${variant.lanes} lanes the ratio is ${ratio}: the poller gets ${formatNumber(emptyReceives, 0)} empty receives per run against ${formatNumber(mainEmptyReceives, 0)},`,
          '  because fauxqs answers every waiting long poll whenever any message arrives, so idle lanes cost CPU here.',
        );
      }
      if (variant.conversionMs !== manyRooms.conversionMs) {
        const cpuSeconds = median(variant.bridge.many.map((run) => run.cpuMs / 1000));
        const mainCpuSeconds = median(many.map((run) => run.cpuMs / 1000));
        lines.push(
          `  With ${variant.conversionMs} ms conversions the ratio is ${ratio}: the CPU work per run (${formatNumber(cpuSeconds, 1)} s against ${formatNumber(mainCpuSeconds, 1)} s) is spread over a longer makespan.`,
        );
      }
    }
  }
  return ['## Misses and their causes', '', lines.length === 0 ? 'None: every target was met.' : lines.join('\n')].join('\n');
}

/** Renders the benchmark part of BENCHMARKS.md. */
export function renderBenchReport(results: BenchResults): string {
  const settings = Object.entries(results.workerSettings)
    .map(([name, value]) => `\`${name}=${value}\``)
    .join(', ');
  return [
    '# Benchmarks',
    '',
    `Written by \`${results.command}\` (bench/run.ts) in ${formatNumber(results.durationSeconds / 60, 1)} minutes. The soak section at the end is written by`,
    '`npm run soak` (bench/soak.ts).',
    '',
    `Machine: ${formatMachine(results.machine)}`,
    '',
    'Everything runs on the local stack (infra/local/stack.ts) in one Node process on 127.0.0.1: the S3 stand-in (s3rver),',
    'the SQS stand-in (fauxqs), the plugNmeet simulator, the HTTP API gateway and the bridge\'s functions. The numbers',
    'describe this code on this machine, not AWS latencies. The bench runs the stack\'s queue poller (batch size 1) on its',
    'own SQS client, with a socket per lane and a middleware that times each receive and delete.',
    `The worker gets the deployed timings from infra/timing.ts: ${settings}.`,
    '',
    '## Summary',
    '',
    renderSummary(results),
    '',
    renderMisses(results),
    '',
    renderColdImport(results.coldImport),
    '',
    renderOverhead(results.overhead),
    '',
    renderOneRoom(results.oneRoom, results.naive),
    '',
    renderManyRooms(results.manyRooms, results.manyRoomsVariants),
  ].join('\n');
}
