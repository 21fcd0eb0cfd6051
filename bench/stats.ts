/** Median, percentiles and spread of a set of measurements. */

/** Summary of one measured quantity over several samples. */
export interface Summary {
  count: number;
  min: number;
  max: number;
  median: number;
  p5: number;
  p95: number;
}

/**
 * Returns the `fraction` quantile (0 to 1) of sorted samples, interpolating linearly between the
 * two nearest ranks (the method of R's default and numpy's `linear`).
 *
 * @throws {Error} when there are no samples
 */
export function quantile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) throw new Error('Cannot take a quantile of no samples.');
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, fraction));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

/**
 * Summarizes samples: count, min, max, median, p5 and p95.
 *
 * @throws {Error} when there are no samples, so a missing measurement never reads as zero
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('Cannot summarize no samples.');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    median: quantile(sorted, 0.5),
    p5: quantile(sorted, 0.05),
    p95: quantile(sorted, 0.95),
  };
}

/** Returns the median of samples. */
export function median(samples: readonly number[]): number {
  return summarize(samples).median;
}

/** Rounds to `digits` decimals and drops trailing zeros: `formatNumber(1.50, 2)` is `1.5`. */
export function formatNumber(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/** Formats a summary as `median (min–max)`, for figures with a few runs. */
export function formatMedianRange(summary: Summary, digits: number, unit = ''): string {
  return `${formatNumber(summary.median, digits)}${unit} (${formatNumber(summary.min, digits)}–${formatNumber(summary.max, digits)}${unit})`;
}

/** Formats a summary as `p50 … (p5–p95 …)`, for figures with many samples. */
export function formatPercentiles(summary: Summary, digits: number, unit = ''): string {
  return `${formatNumber(summary.median, digits)}${unit} (p5–p95 ${formatNumber(summary.p5, digits)}–${formatNumber(summary.p95, digits)}${unit})`;
}
