import type { SimulatedFault } from './types';

type EntryFault = Extract<SimulatedFault, { kind: 'status' } | { kind: 'drop-connection' }>;

interface QueuedFault {
  fault: SimulatedFault;
  remaining: number;
}

/** Checks a fault's shape, since admin routes pass faults in from JSON. */
export function validateFault(value: unknown): SimulatedFault {
  const fault = value as Partial<SimulatedFault> | null;
  const times = fault?.times;
  if (times !== undefined && (!Number.isInteger(times) || times < 1)) throw new Error(`Invalid fault: times must be a positive integer, got ${JSON.stringify(times)}.`);
  if (fault?.roomId !== undefined && typeof fault.roomId !== 'string') throw new Error('Invalid fault: roomId must be a string.');
  if (fault?.kind === 'status' && [500, 502, 503].includes(fault.status as number)) return fault as SimulatedFault;
  if (fault?.kind === 'drop-connection') return fault as SimulatedFault;
  if (fault?.kind === 'slow-conversion' && typeof fault.extraMs === 'number' && fault.extraMs >= 0) return fault as SimulatedFault;
  throw new Error(
    `Invalid fault ${JSON.stringify(value)}: expected kind 'status' with status 500, 502 or 503, 'drop-connection', or 'slow-conversion' with extraMs >= 0.`,
  );
}

/**
 * Injected faults, each used up after `times` (default 1) matching upload requests. A fault with
 * `roomId` matches only requests whose `Room-Id` header equals it; one without matches any room.
 */
export class FaultQueue {
  private queued: QueuedFault[] = [];

  add(fault: SimulatedFault): void {
    this.queued.push({ fault: validateFault(fault), remaining: fault.times ?? 1 });
  }

  /** Takes the first `status` or `drop-connection` fault that matches the room, if any. */
  takeEntryFault(roomId: string): EntryFault | undefined {
    const found = this.take(roomId, (fault) => fault.kind === 'status' || fault.kind === 'drop-connection');
    return found as EntryFault | undefined;
  }

  /** Takes the first `slow-conversion` fault that matches the room and returns its extra time, or 0. */
  takeConversionDelay(roomId: string): number {
    const found = this.take(roomId, (fault) => fault.kind === 'slow-conversion');
    return found?.kind === 'slow-conversion' ? found.extraMs : 0;
  }

  private take(roomId: string, isWanted: (fault: SimulatedFault) => boolean): SimulatedFault | undefined {
    const entry = this.queued.find(({ fault }) => isWanted(fault) && (fault.roomId === undefined || fault.roomId === roomId));
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queued = this.queued.filter((queued) => queued !== entry);
    return entry.fault;
  }
}
