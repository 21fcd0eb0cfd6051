import { isConvertible } from './file-types';

const ZIP_BASED = new Set(['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'odg']);

/** Checks that the zip's end record points at a central directory that is really there. */
function hasReadableCentralDirectory(content: Buffer): boolean {
  const searchFrom = Math.max(0, content.length - 65_557);
  const end = content.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < searchFrom || end + 22 > content.length) return false;
  const directorySize = content.readUInt32LE(end + 12);
  const directoryOffset = content.readUInt32LE(end + 16);
  if (directoryOffset + directorySize > end) return false;
  return content.readUInt32LE(directoryOffset) === 0x02014b50;
}

/**
 * Decides how the server's conversion (`convertToPDFIfNeeded`, then mutool) ends for a sniffed
 * type, and returns the server's error text, or undefined on success. Types outside PDF and the
 * soffice map fail as "failed to convert file to PDF", as images, zip and media do.
 *
 * NOTE: the real tools are not run. Two checks stand in for them: a zip-based Office file
 * whose central directory cannot be found fails in soffice, and a PDF with no `/Type /Page`
 * object fails the page count. Other damaged files convert here but may not on a real server.
 */
export function checkConversion(extension: string, content: Buffer): string | undefined {
  if (!isConvertible(extension)) return 'failed to convert file to PDF';
  if (ZIP_BASED.has(extension) && !hasReadableCentralDirectory(content)) return 'failed to convert file to PDF';
  if (extension === 'pdf' && !/\/Type\s*\/Page\b/.test(content.toString('latin1'))) return 'failed to count PDF pages';
  return undefined;
}
