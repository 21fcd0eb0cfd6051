import type { SimulatorCounters, UploadRecord } from './types';

interface Waiter {
  count: number;
  resolve: () => void;
}

/**
 * Upload records, counters and the per-room concurrency measurement. The concurrency count is
 * kept apart from the lock store (uploads call `beginProcessing` after taking the lock and
 * `endProcessing` when they stop), so a lock that lets two uploads through shows up here.
 */
export class UploadStats {
  readonly records: UploadRecord[] = [];
  readonly counters: SimulatorCounters = {
    uploadRequests: 0,
    conflicts: 0,
    successes: 0,
    failures: 0,
    crashes: 0,
    staleReuses: 0,
    staleMerges: 0,
    authFailures: 0,
    maxConcurrentByRoom: {},
    concurrentViolations: 0,
  };
  private readonly inProgressByRoom = new Map<string, number>();
  private waiters: Waiter[] = [];

  /** Opens a record for a request that reached the handler (or an injected fault). */
  openRecord(roomId: string): UploadRecord {
    this.counters.uploadRequests += 1;
    return {
      roomId,
      documentLink: '',
      httpStatus: 0,
      statusCode: '',
      message: '',
      reusedStaleFile: false,
      staleBytesKept: false,
      linkRequests: [],
      startedAt: Date.now(),
      finishedAt: 0,
    };
  }

  /** Closes a record with the response sent (httpStatus 0 when none was), and wakes waiters. */
  finishRecord(record: UploadRecord, httpStatus: number, statusCode: string, message: string): void {
    if (record.finishedAt !== 0) return;
    record.httpStatus = httpStatus;
    record.statusCode = statusCode;
    record.message = message;
    record.finishedAt = Date.now();
    if (httpStatus === 200) this.counters.successes += 1;
    else if (httpStatus === 409) this.counters.conflicts += 1;
    else this.counters.failures += 1;
    this.records.push(record);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.records.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  beginProcessing(roomId: string): void {
    const inProgress = (this.inProgressByRoom.get(roomId) ?? 0) + 1;
    this.inProgressByRoom.set(roomId, inProgress);
    if (inProgress > 1) this.counters.concurrentViolations += 1;
    this.counters.maxConcurrentByRoom[roomId] = Math.max(this.counters.maxConcurrentByRoom[roomId] ?? 0, inProgress);
  }

  endProcessing(roomId: string): void {
    const inProgress = (this.inProgressByRoom.get(roomId) ?? 1) - 1;
    if (inProgress <= 0) this.inProgressByRoom.delete(roomId);
    else this.inProgressByRoom.set(roomId, inProgress);
  }

  /** Resolves once `count` records exist; rejects after `timeoutMs` with how many did. */
  waitForRecords(count: number, timeoutMs: number): Promise<void> {
    if (this.records.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { count, resolve: () => {} };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${count} finished uploads; ${this.records.length} finished.`));
      }, timeoutMs);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }
}
