import { describe, expect, it } from 'vitest';
import { computeBackoffSeconds, computeLockExpirySeconds, MAX_VISIBILITY_SECONDS } from '../../lib/backoff';

describe('computeBackoffSeconds', () => {
  it('doubles with each receive until the cap', () => {
    // Prepare
    const policy = { baseSeconds: 5, capSeconds: 60 };

    // Act
    const delays = [1, 2, 3, 4, 5, 6].map((count) => computeBackoffSeconds(policy, count));

    // Assess
    expect(delays).toStrictEqual([5, 10, 20, 40, 60, 60]);
  });

  it('treats a missing or zero receive count as the first', () => {
    expect(computeBackoffSeconds({ baseSeconds: 3, capSeconds: 100 }, 0)).toBe(3);
  });

  it('never exceeds the SQS visibility maximum', () => {
    expect(computeBackoffSeconds({ baseSeconds: 60, capSeconds: 10 ** 9 }, 1000)).toBe(MAX_VISIBILITY_SECONDS);
  });
});

describe('computeLockExpirySeconds', () => {
  it('waits for the rest of the lock lifetime plus the margin', () => {
    // Prepare: the upload was sent 200 s ago and the lock lives 300 s.
    const now = 1_000_000;

    // Act
    const delay = computeLockExpirySeconds(now - 200_000, now, 300, 5);

    // Assess
    expect(delay).toBe(105);
  });

  it('waits at least one second once the lock has expired', () => {
    expect(computeLockExpirySeconds(0, 900_000, 300, 5)).toBe(1);
  });
});
