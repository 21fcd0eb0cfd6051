import { randomUUID } from 'node:crypto';

/** Returns the Redis key of a room's upload lock, which the server writes without a `pnm:` prefix. */
export function uploadLockKey(roomId: string): string {
  return `whiteboardUploadLock-${roomId}`;
}

interface LockEntry {
  token: string;
  expiresAt: number;
}

/**
 * The Redis side of the server's upload lock: `SET key token NX PX ttl` to take it, and a
 * compare-and-delete to release it, so an unlock with a stale token (after the TTL expired and
 * someone else took the lock) does nothing. Entries expire lazily by the clock. The store lives
 * outside the simulated process, so a simulated restart keeps it.
 */
export class UploadLockStore {
  private readonly entries = new Map<string, LockEntry>();

  /** Takes the lock; returns the owner token, or undefined when someone holds it. */
  tryLock(key: string, ttlMs: number): string | undefined {
    if (this.isHeld(key)) return undefined;
    const token = randomUUID();
    this.entries.set(key, { token, expiresAt: Date.now() + ttlMs });
    return token;
  }

  /** Releases the lock only when `token` still owns it; returns whether it did. */
  unlock(key: string, token: string): boolean {
    const entry = this.entries.get(key);
    if (!entry || entry.token !== token || entry.expiresAt <= Date.now()) return false;
    this.entries.delete(key);
    return true;
  }

  /** Sets the lock to a fresh owner regardless of its state, as another uploader's SET would after expiry. */
  forceHold(key: string, ttlMs: number): void {
    this.entries.set(key, { token: randomUUID(), expiresAt: Date.now() + ttlMs });
  }

  /** Deletes the lock regardless of its owner. */
  forceRelease(key: string): void {
    this.entries.delete(key);
  }

  isHeld(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }
}
