import { DEFAULT_FILE_TYPES, OPTIONAL_FILE_TYPES, type FileType } from './config';
import { UnsupportedFileTypeError } from './errors';

/**
 * Canonical MIME type of each file type. plugNmeet looks the `Content-Type` of its HEAD request up
 * with gabriel-vasile/mimetype v1.4.15 (`mimetype.Lookup`) and requires the type's canonical
 * extension to be in its `allowed_types`. Every value here is a type or alias that this library
 * recognizes and maps to the matching extension. An unknown type makes the server dereference nil
 * and crash.
 */
export const FILE_TYPE_MIME: Readonly<Record<FileType, string>> = Object.freeze({
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  txt: 'text/plain',
  doc: 'application/msword',
  ppt: 'application/vnd.ms-powerpoint',
  xls: 'application/vnd.ms-excel',
  odt: 'application/vnd.oasis.opendocument.text',
  odp: 'application/vnd.oasis.opendocument.presentation',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  rtf: 'application/rtf',
  csv: 'text/csv',
});

/** A file's type as the bridge announces it to the server. */
export interface ResolvedFileType {
  fileType: FileType;
  /** The canonical MIME type of `fileType`; never a generic type such as `binary/octet-stream`. */
  contentType: string;
}

const KNOWN_FILE_TYPES: readonly FileType[] = [...DEFAULT_FILE_TYPES, ...OPTIONAL_FILE_TYPES];

/**
 * Stored Content-Types that name a document type, with the types each can mean. A type listed
 * with several meanings (Windows browsers upload CSV files as `application/vnd.ms-excel`) takes
 * the meaning that the key's extension names, and otherwise the first one.
 */
const DOCUMENT_MIME_TYPES: Readonly<Record<string, readonly FileType[]>> = {
  ...Object.fromEntries(KNOWN_FILE_TYPES.map((type) => [FILE_TYPE_MIME[type], [type]])),
  'application/x-pdf': ['pdf'],
  'text/plain': ['txt', 'csv'],
  'application/vnd.ms-word': ['doc'],
  'application/mspowerpoint': ['ppt'],
  'application/vnd.ms-excel': ['xls', 'csv'],
  'application/msexcel': ['xls'],
  'text/rtf': ['rtf'],
  'application/csv': ['csv'],
  'text/x-csv': ['csv'],
  'text/comma-separated-values': ['csv'],
};

/** Content-Types that carry no information about the format. S3 stores `binary/octet-stream` when an upload sets none. */
const GENERIC_MIME_TYPES: ReadonlySet<string> = new Set([
  '',
  'binary/octet-stream',
  'application/octet-stream',
  'application/x-octet-stream',
  'application/binary',
  'application/x-binary',
  'application/download',
  'application/x-download',
  'application/force-download',
  'application/unknown',
  'application/x-unknown',
]);

/** Zip types that an office document in OOXML or ODF format can be stored under, because it is a zip container. */
const ZIP_MIME_TYPES: ReadonlySet<string> = new Set(['application/zip', 'application/x-zip', 'application/x-zip-compressed']);
const ZIP_CONTAINER_TYPES: ReadonlySet<FileType> = new Set(['docx', 'pptx', 'xlsx', 'odt', 'odp', 'ods']);

const ARCHIVE_MIME_TYPES: ReadonlySet<string> = new Set([
  ...ZIP_MIME_TYPES,
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/x-bzip2',
  'application/x-xz',
  'application/zstd',
  'application/x-7z-compressed',
  'application/vnd.rar',
  'application/x-rar-compressed',
]);

/** Extensions of files the server accepts but cannot convert, by the category named in errors. */
const EXTENSION_CATEGORIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'tif', 'tiff', 'webp', 'svg', 'heic', 'heif', 'avif', 'ico'].map((ext) => [ext, 'an image']),
  ),
  ...Object.fromEntries(['zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst'].map((ext) => [ext, 'an archive'])),
  ...Object.fromEntries(['mp3', 'wav', 'ogg', 'oga', 'm4a', 'aac', 'flac', 'opus', 'wma'].map((ext) => [ext, 'audio'])),
  ...Object.fromEntries(['mp4', 'webm', 'mov', 'avi', 'mkv', 'm4v', 'wmv', 'mpeg', 'mpg'].map((ext) => [ext, 'video'])),
};

const NOT_CONVERTIBLE_REASON = 'plugNmeet converts only office documents, PDF and text to whiteboard pages';

/** Lowercases a Content-Type and drops its parameters (`; charset=…`). */
function normalizeMimeType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Returns the lowercase extension of the key's last segment, or '' when it has none. */
function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function fileTypeOfExtension(extension: string): FileType | undefined {
  return (KNOWN_FILE_TYPES as readonly string[]).includes(extension) ? (extension as FileType) : undefined;
}

function categoryOfMimeType(mimeType: string): string | undefined {
  if (mimeType.startsWith('image/')) return 'an image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  if (ARCHIVE_MIME_TYPES.has(mimeType)) return 'an archive';
  return undefined;
}

function rejectCategory(key: string, category: string, shownType: string): never {
  throw new UnsupportedFileTypeError(`Unsupported file type of "${key}": it is ${category} (${shownType}), and ${NOT_CONVERTIBLE_REASON}.`, {
    facts: { key },
  });
}

/** Picks the type the stored Content-Type and the extension agree on, before the allowlist is applied. */
function detectFileType(key: string, storedType: string, extension: string): FileType {
  const extensionType = fileTypeOfExtension(extension);
  const isGeneric = GENERIC_MIME_TYPES.has(storedType);
  const isZipContainer = ZIP_MIME_TYPES.has(storedType) && extensionType !== undefined && ZIP_CONTAINER_TYPES.has(extensionType);

  if (isGeneric || isZipContainer) {
    if (extensionType) return extensionType;
    const category = EXTENSION_CATEGORIES[extension];
    if (category) rejectCategory(key, category, `.${extension}`);
    throw new UnsupportedFileTypeError(
      `Cannot determine the file type of "${key}": S3 stores the generic Content-Type ${JSON.stringify(storedType)} ` +
        `and the key has no known document extension. Set the object's Content-Type when uploading it, ` +
        `or give the key an extension such as .pdf or .pptx.`,
      { facts: { key } },
    );
  }

  // A specific stored type wins over the extension: the uploader declared it.
  const documentTypes = DOCUMENT_MIME_TYPES[storedType];
  if (documentTypes) {
    return extensionType && documentTypes.includes(extensionType) ? extensionType : documentTypes[0]!;
  }
  const category = categoryOfMimeType(storedType);
  if (category) rejectCategory(key, category, storedType);
  // An unusual but not generic type (for example text/markdown) carries no usable information, so
  // the extension decides. The server sniffs the downloaded bytes anyway.
  if (extensionType) return extensionType;
  throw new UnsupportedFileTypeError(
    `Unsupported file type of "${key}": ${storedType} is not a type the bridge delivers. ` +
      `The bridge delivers ${KNOWN_FILE_TYPES.join(', ')}, because ${NOT_CONVERTIBLE_REASON}.`,
    { facts: { key } },
  );
}

/**
 * Decides a file's real type from the Content-Type stored in S3 and the key's extension.
 *
 * A generic or missing stored type (`binary/octet-stream`, `application/octet-stream`, '', …)
 * falls back to the extension, and so does a zip type on an OOXML or ODF extension. A specific
 * stored type that is a document type wins over a contradicting extension. Images, archives,
 * audio and video are rejected, because the server accepts them but cannot convert them.
 *
 * @param input - the object's key and the Content-Type S3 returned for it
 * @param allowedTypes - the types the operator allows (`ALLOWED_FILE_TYPES`)
 * @returns the file type and its canonical MIME type; never a generic type
 * @throws {UnsupportedFileTypeError} when the type cannot be determined, cannot be converted,
 *   or is not in `allowedTypes`; the message names the key, the type and the setting to change
 */
export function resolveFileType(input: { key: string; storedContentType?: string }, allowedTypes: readonly FileType[]): ResolvedFileType {
  const storedType = normalizeMimeType(input.storedContentType);
  const fileType = detectFileType(input.key, storedType, extensionOf(input.key));

  if (!allowedTypes.includes(fileType)) {
    throw new UnsupportedFileTypeError(
      `File type '${fileType}' of "${input.key}" is not allowed. plugNmeet can convert it, so to deliver it ` +
        `add ${fileType} to ALLOWED_FILE_TYPES, and make sure the server's upload_file_settings.allowed_types allows it too.`,
      { facts: { key: input.key } },
    );
  }
  return { fileType, contentType: FILE_TYPE_MIME[fileType] };
}
