import { vi } from 'vitest';

/** Log lines written while a capture runs, parsed from the logger's one-line JSON. */
export interface LogCapture {
  /** Every parsed line, in order. */
  entries(): Array<Record<string, unknown>>;
  /** Everything written, unparsed, for checks that a secret never appears. */
  text(): string;
  restore(): void;
}

/**
 * Captures what the Powertools logger writes. It writes INFO to stdout and WARN and ERROR to
 * stderr through its own Console, so both streams are intercepted.
 */
export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(record as typeof process.stdout.write);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(record as typeof process.stderr.write);
  const text = (): string => chunks.join('');
  return {
    text,
    entries: () =>
      text()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
