import { setMaxListeners } from 'node:events';
import { DEFAULT_ALLOWED_TYPES } from './file-types';
import { FaultQueue } from './faults';
import { RoomFiles } from './room-files';
import { RoomRegistry } from './rooms';
import type { SimulatorOptions } from './types';
import { UploadLockStore } from './upload-lock';
import { UploadStats } from './upload-stats';

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<SimulatorOptions, 'port'>> & { port: number };

/** `upload_file_settings.max_size`: the request body limit, 50 MiB by default. */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  if (!options.apiKey || !options.apiSecret) throw new Error('startPlugnmeetSimulator needs a non-empty apiKey and apiSecret.');
  const resolved: ResolvedOptions = {
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    port: options.port ?? 0,
    lockTtlMs: options.lockTtlMs ?? 300_000,
    conversionMs: options.conversionMs ?? 50,
    headTimeoutMs: options.headTimeoutMs ?? 5_000,
    downloadTimeoutMs: options.downloadTimeoutMs ?? 180_000,
    maxFileBytes: options.maxFileBytes ?? 31_457_280,
    allowedTypes: options.allowedTypes ?? [...DEFAULT_ALLOWED_TYPES],
  };
  for (const name of ['lockTtlMs', 'conversionMs', 'headTimeoutMs', 'downloadTimeoutMs', 'maxFileBytes'] as const) {
    const value = resolved[name];
    if (!Number.isFinite(value) || value < 0) throw new Error(`Invalid simulator option ${name}: expected a number >= 0, got ${String(value)}.`);
  }
  return resolved;
}

/**
 * Everything the simulated server keeps. Rooms stand for NATS, locks for Redis and files for the
 * upload disk, so they outlive a simulated process restart. `processSignal` belongs to the
 * current process and aborts when that process dies.
 */
export class SimulatorState {
  readonly rooms = new RoomRegistry();
  readonly locks = new UploadLockStore();
  readonly files = new RoomFiles();
  readonly faults = new FaultQueue();
  readonly stats = new UploadStats();
  conversionMs: number;
  crashed = false;
  private process = createProcessController();

  constructor(readonly options: ResolvedOptions) {
    this.conversionMs = options.conversionMs;
  }

  get processSignal(): AbortSignal {
    return this.process.signal;
  }

  /** Ends the current simulated process (its in-flight work stops) and starts a fresh one. */
  replaceProcess(): void {
    this.process.abort();
    this.process = createProcessController();
  }
}

/**
 * Creates the signal that ends a simulated process. Every in-flight download listens on it, so
 * the listener limit is lifted; otherwise Node warns once more than ten run at the same time.
 */
function createProcessController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
