/** The server's default `upload_file_settings.allowed_types` (shared with chat uploads). */
export const DEFAULT_ALLOWED_TYPES: readonly string[] = ['jpg', 'png', 'jpeg', 'svg', 'pdf', 'docx', 'txt', 'xlsx', 'pptx', 'zip', 'mp4', 'webm', 'mp3'];

/**
 * Extensions `convertToPDFIfNeeded` hands to soffice; PDF needs no conversion and anything else
 * fails with "unsupported file type for conversion".
 */
const SOFFICE_EXTENSIONS = new Set(['docx', 'doc', 'odt', 'txt', 'rtf', 'xml', 'html', 'xlsx', 'xls', 'ods', 'csv', 'pptx', 'ppt', 'odp', 'vsd', 'odg']);

/**
 * The server's `ValidateMimeType`: returns its error text for a type whose extension is empty
 * or not in `allowedTypes`, or undefined when the type is allowed.
 */
export function checkAllowedType(extension: string, allowedTypes: readonly string[]): string | undefined {
  if (extension === '') return "invalid: can't determine file type";
  if (!allowedTypes.includes(extension)) return `'${extension}' is not an allowed file type`;
  return undefined;
}

/** Returns whether the server can turn a file of this sniffed type into PDF pages. */
export function isConvertible(extension: string): boolean {
  return extension === 'pdf' || SOFFICE_EXTENSIONS.has(extension);
}
