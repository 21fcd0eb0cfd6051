/** SQS's upper limit for a message's visibility timeout: 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface BackoffPolicy {
  baseSeconds: number;
  capSeconds: number;
}

/**
 * Computes how long to hide a message before its next attempt: `base × 2^(receiveCount − 1)`,
 * capped, in whole seconds because SQS visibility is set in seconds. The receive count is SQS's
 * `ApproximateReceiveCount`, so the delay grows with every failed attempt of the same message and
 * needs no state of its own.
 */
export function computeBackoffSeconds(policy: BackoffPolicy, receiveCount: number): number {
  const attempt = Math.max(1, Math.floor(receiveCount));
  // 2^30 already exceeds any cap SQS allows, so larger exponents add nothing.
  const exponential = policy.baseSeconds * 2 ** Math.min(attempt - 1, 30);
  return Math.min(Math.ceil(Math.min(exponential, policy.capSeconds)), MAX_VISIBILITY_SECONDS);
}

/**
 * Computes the wait after an upload whose answer never came: the server may still hold the
 * room's lock, which it took when the request arrived and never refreshes, so the wait lasts until
 * that lock's lifetime has passed since the send, plus a margin.
 *
 * @param sentAtMs - when the upload request was sent, in epoch milliseconds
 * @param lockTtlSeconds - the server's lock lifetime (300 s on plugNmeet)
 */
export function computeLockExpirySeconds(sentAtMs: number, nowMs: number, lockTtlSeconds: number, marginSeconds = 5): number {
  const remaining = lockTtlSeconds - (nowMs - sentAtMs) / 1000;
  return Math.min(Math.max(1, Math.ceil(remaining + marginSeconds)), MAX_VISIBILITY_SECONDS);
}
