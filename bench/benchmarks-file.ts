import { readFile, writeFile } from 'node:fs/promises';

/** BENCHMARKS.md at the repository root, relative to the working directory npm scripts run in. */
export const BENCHMARKS_PATH = 'BENCHMARKS.md';

const SOAK_START = '<!-- soak:start (written by npm run soak) -->';
const SOAK_END = '<!-- soak:end -->';

async function readExisting(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function findSoakSection(text: string): { start: number; end: number } | undefined {
  const start = text.indexOf(SOAK_START);
  const end = text.indexOf(SOAK_END);
  return start === -1 || end < start ? undefined : { start, end: end + SOAK_END.length };
}

/**
 * Writes the benchmark part of BENCHMARKS.md and keeps the soak section that `npm run soak` wrote
 * earlier, so the two commands can run in either order.
 */
export async function writeBenchSection(markdown: string, path = BENCHMARKS_PATH): Promise<void> {
  const existing = await readExisting(path);
  const soak = findSoakSection(existing);
  const soakBlock = soak ? existing.slice(soak.start, soak.end) : `${SOAK_START}\n## Soak\n\nNot run yet: \`npm run soak\` writes this section.\n${SOAK_END}`;
  await writeFile(path, `${markdown.trimEnd()}\n\n${soakBlock}\n`);
}

/** Replaces the soak section of BENCHMARKS.md, or appends it when the file has none. */
export async function writeSoakSection(markdown: string, path = BENCHMARKS_PATH): Promise<void> {
  const existing = await readExisting(path);
  const block = `${SOAK_START}\n${markdown.trim()}\n${SOAK_END}`;
  const soak = findSoakSection(existing);
  if (soak) {
    await writeFile(path, `${existing.slice(0, soak.start)}${block}${existing.slice(soak.end)}`);
    return;
  }
  const head = existing.trim() === '' ? '# Benchmarks\n\nThe benchmark part is not written yet: run `npm run bench`.' : existing.trimEnd();
  await writeFile(path, `${head}\n\n${block}\n`);
}
