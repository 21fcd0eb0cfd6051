import { randomUUID } from 'node:crypto';
import { bytesToText, parseMediaType } from './media-type';

/** grab's error when neither the URL path nor Content-Disposition gives a usable name. */
export const NO_FILENAME_ERROR = 'no filename could be determined';

/** Go's `path.Clean`: resolves `.`, `..` and repeated slashes lexically. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(segment);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's `filepath.Base` on Unix: the last element, `/` for the root and `.` for an empty path. */
export function basePath(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * Picks the file name as grab v3 does: the `filename` parameter of a Content-Disposition that Go's
 * `mime.ParseMediaType` accepts, otherwise the decoded path of the response's final URL. A header
 * that fails to parse (for example a `filename*` value with an unencoded `(` or `)`, which end a
 * token) is ignored as a whole. Returns undefined when no usable name remains.
 *
 * @param decodedUrlPath the percent-decoded path of the final URL, without the query
 * @param contentDisposition the raw header value (latin1 bytes), if any
 */
export function guessDownloadFilename(decodedUrlPath: string, contentDisposition: string | undefined): string | undefined {
  let filename = decodedUrlPath;
  if (contentDisposition) {
    const parsed = parseMediaType(contentDisposition);
    const fromHeader = parsed.ok ? parsed.params.get('filename') : undefined;
    if (fromHeader !== undefined) filename = bytesToText(fromHeader);
  }
  if (filename === '' || filename.endsWith('/') || filename.includes('\0')) return undefined;
  const base = basePath(cleanPath(`/${filename}`));
  if (base === '' || base === '.' || base === '/') return undefined;
  return base;
}

/**
 * Cleans a name as the server's `MakeSafeFilename` does. It keeps only the last path element and
 * replaces characters that are illegal on common file systems with `_`. Then it trims spaces and
 * dots at both ends, falls back to a UUID when nothing is left (with `fallbackToUuid`), and cuts
 * the name to 255 UTF-8 bytes.
 */
export function makeSafeFilename(name: string, fallbackToUuid: boolean): string {
  let safe = basePath(cleanPath(name)).replace(/[<>:"/\\|?*\0]/g, '_');
  safe = safe.replace(/^[ .]+|[ .]+$/g, '');
  if (safe === '' && fallbackToUuid) return randomUUID();
  const characters = Array.from(safe);
  while (Buffer.byteLength(characters.join(''), 'utf8') > 255) characters.pop();
  return characters.join('');
}
