import { formatMachine, type MachineDescription } from './machine';
import { formatPercentiles, type Summary } from './stats';
import { FAULT_SHARES } from './soak-plan';
import type { FileOutcome, RowTally, SoakRow, SoakTally } from './soak-tally';

/** The soak's settings, as its environment variables set them. */
export interface SoakSettings {
  files: number;
  rooms: number;
  seed: number;
  maxSeconds: number;
  conversionMs: number;
  restarts: number;
  lanes: number;
  lockTtlMs: number;
  uploadTimeoutMs: number;
  slowConversionExtraMs: number;
  /** Bridge settings given to the stack (environment variable names). */
  bridgeSettings: Readonly<Record<string, string>>;
}

/** Simulator counters and facts of the run, besides the per-file outcomes. */
export interface SoakObservations {
  durationSeconds: number;
  /** True when the run hit `maxSeconds` before the queue emptied. */
  timedOut: boolean;
  /** Seconds after the start at which the simulator was restarted. */
  restartsAtSeconds: number[];
  /** Highest number of uploads in progress in one soak room at once. */
  maxConcurrentPerRoom: number;
  concurrentViolations: number;
  uploadRequests: number;
  successes: number;
  conflicts: number;
  otherFailures: number;
  crashes: number;
  staleReuses: number;
  pollerErrors: number;
  /** Request to 200 response of delivered files outside the slow-conversion row, in milliseconds. */
  serverTimeMs: Summary;
}

/** Lists the reasons the soak failed; an empty list means it passed. */
export function listSoakProblems(tally: SoakTally, observations: SoakObservations): string[] {
  const problems: string[] = [];
  const { totals } = tally;
  if (totals.lost > 0) problems.push(`${totals.lost} file(s) lost: neither delivered nor recorded as failed`);
  if (totals.duplicated > 0) problems.push(`${totals.duplicated} file(s) delivered more than once`);
  if (totals.deliveredAndFailed > 0) problems.push(`${totals.deliveredAndFailed} file(s) delivered and also recorded as failed with another code than UPLOAD_UNCONFIRMED`);
  if (totals.unfinished > 0) problems.push(`${totals.unfinished} file(s) still queued when the run stopped after ${observations.durationSeconds.toFixed(0)} s`);
  if (observations.maxConcurrentPerRoom > 1 || observations.concurrentViolations > 0) {
    problems.push(`a room had ${observations.maxConcurrentPerRoom} uploads in progress at once (${observations.concurrentViolations} violations)`);
  }
  if (tally.roomsOutOfOrder.length > 0) problems.push(`files reached the whiteboard out of order in ${tally.roomsOutOfOrder.length} room(s): ${tally.roomsOutOfOrder.join(', ')}`);
  return problems;
}

const ROW_LABELS: Record<SoakRow, string> = {
  clean: 'no fault',
  'server-5xx': 'HTTP 500/502/503 on the first attempt',
  'dropped-connection': 'connection dropped on the first attempt',
  'slow-conversion': 'conversion slower than the upload timeout',
  'deleted-object': 'object deleted right after PutObject',
  restart: 'a request cut by a server restart',
};

function formatCodes(codes: Record<string, number>): string {
  const entries = Object.entries(codes);
  return entries.length === 0 ? '' : ` (${entries.map(([code, count]) => `${code} ${count}`).join(', ')})`;
}

function formatRow(tally: RowTally, label: string): string {
  const cells = [label, tally.files, tally.delivered, tally.flagged, `${tally.failed}${formatCodes(tally.failureCodes)}`, tally.lost, tally.duplicated, tally.deliveredAndFailed, tally.unfinished];
  return `| ${cells.join(' | ')} |`;
}

function describeOutcome(outcome: FileOutcome, startedAt: number): string {
  const requests = outcome.requests.map((request) => `${((request.startedAt - startedAt) / 1000).toFixed(1)} s → ${request.httpStatus || 'no response'}${request.httpStatus === 0 ? ` (${request.message})` : ''}`).join('; ');
  const deleted = outcome.deletedAt === undefined ? 'message not deleted' : `message deleted at ${((outcome.deletedAt - startedAt) / 1000).toFixed(1)} s`;
  return `- \`${outcome.file.key}\` (planned: ${outcome.file.category}): ${outcome.receives} receive(s), ${deleted}; requests naming it: ${requests || 'none'}`;
}

/** Renders the soak section of BENCHMARKS.md. */
export function renderSoakReport(options: {
  command: string;
  machine: MachineDescription;
  settings: SoakSettings;
  tally: SoakTally;
  observations: SoakObservations;
  startedAt: number;
}): string {
  const { settings, tally, observations } = options;
  const problems = listSoakProblems(tally, observations);
  const shares = Object.entries(FAULT_SHARES)
    .map(([category, share]) => `${category} ${Math.round(share * 100)}%`)
    .join(', ');
  const bridgeSettings = Object.entries(settings.bridgeSettings)
    .map(([name, value]) => `\`${name}=${value}\``)
    .join(', ');
  const badFiles = tally.outcomes.filter(
    (outcome) => outcome.deliveries > 1 || outcome.status === 'lost' || outcome.status === 'unfinished' || outcome.status === 'delivered-and-failed',
  );

  return [
    '## Soak',
    '',
    `Command: \`${options.command}\` (bench/soak.ts), ${observations.durationSeconds.toFixed(0)} s${observations.timedOut ? `, **stopped at the ${settings.maxSeconds} s limit**` : ''}.`,
    `Machine: ${formatMachine(options.machine)}`,
    '',
    `${settings.files} files across ${settings.rooms} rooms (round-robin, each room's files written one after another, rooms side by side), each`,
    `with unique bytes, so SHA-256 identifies a delivery. Conversion ${settings.conversionMs} ms, simulator lock TTL ${settings.lockTtlMs} ms,`,
    `${settings.lanes} poller lanes, seed ${settings.seed}. Bridge settings: ${bridgeSettings}.`,
    '',
    `Faults, drawn per file with the seed (${shares}, the rest none), are injected through the simulator when the poller first`,
    'receives the file\'s message, so they hit that file\'s first upload request: an HTTP 5xx, a dropped connection, or a',
    `conversion ${settings.slowConversionExtraMs} ms longer than usual (past the ${settings.uploadTimeoutMs} ms upload timeout). Deleted objects are removed right after their`,
    `PutObject (never a room's first file). The simulator restarts ${settings.restarts} time(s), at ${observations.restartsAtSeconds.map((seconds) => `${seconds.toFixed(1)} s`).join(', ') || 'no time'}, when that share of the files was settled;`,
    'files with a request cut by a restart get the `restart` row instead of their planned one.',
    '',
    '*Delivered*: a 200 response with the file\'s bytes. *Flagged*: delivered, and also recorded as UPLOAD_UNCONFIRMED,',
    'which the worker writes when the server downloaded a file but did not respond within the upload timeout.',
    '*Failed*: not delivered, with a record on the failure queue (codes listed). *Lost*: neither delivered nor recorded, with',
    'the message gone. *Duplicated*: more than one 200 response. *Delivered and failed*: a 200 response and a failure',
    'record with another code. *Unfinished*: still queued when the run stopped.',
    '',
    '| Row | Files | Delivered | Flagged | Failed (codes) | Lost | Duplicated | Delivered and failed | Unfinished |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...tally.rows.map((row) => formatRow(row, ROW_LABELS[row.row])),
    formatRow(tally.totals, '**all**'),
    '',
    `Peak uploads in progress in one room: ${observations.maxConcurrentPerRoom} (concurrent violations: ${observations.concurrentViolations}). Rooms out of order: ${tally.roomsOutOfOrder.length}.`,
    `Simulator: ${observations.uploadRequests} upload requests, ${observations.successes} × 200, ${observations.conflicts} × 409, ${observations.otherFailures} other failures`,
    `(injected faults, rejected files, requests cut by restarts), ${observations.crashes} crashes, ${observations.staleReuses} stale reuses. Poller errors: ${observations.pollerErrors}.`,
    `Server time of 200 responses outside the slow-conversion row (request to response, link fetch and ${settings.conversionMs} ms conversion): ${formatPercentiles(observations.serverTimeMs, 0, ' ms')}, max ${observations.serverTimeMs.max} ms.`,
    '',
    problems.length === 0 ? '**Result: pass.**' : `**Result: FAIL.** ${problems.join('; ')}.`,
    ...(badFiles.length === 0
      ? []
      : ['', `Files that were not cleanly delivered or failed (first 20 of ${badFiles.length}; times from the start of the run):`, '', ...badFiles.slice(0, 20).map((outcome) => describeOutcome(outcome, options.startedAt))]),
  ].join('\n');
}
