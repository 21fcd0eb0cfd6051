import { fileTypeFromBuffer } from 'file-type';
import { detectTextType } from './text-sniffing';

/** A sniffed type: the media type and its extension without the dot (empty when undetermined). */
export interface SniffedType {
  mediaType: string;
  extension: string;
}

/** Go's mimetype reads at most this many bytes of a file (v1.4.15 `defaultLimit`). */
const READ_LIMIT = 4096;

const OCTET_STREAM: SniffedType = { mediaType: 'application/octet-stream', extension: '' };

/** Office Open XML packages, identified by their first folder-like entry, as in mimetype's `msoxml`. */
const OOXML_TYPES = [
  { folder: 'word/', type: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' } },
  { folder: 'ppt/', type: { mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx' } },
  { folder: 'xl/', type: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' } },
];

/** OpenDocument and EPUB packages name their type in a stored `mimetype` first entry at offset 30. */
const PACKAGE_TYPES: Array<{ mediaType: string; extension: string }> = [
  { mediaType: 'application/epub+zip', extension: 'epub' },
  { mediaType: 'application/vnd.oasis.opendocument.text', extension: 'odt' },
  { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', extension: 'ods' },
  { mediaType: 'application/vnd.oasis.opendocument.presentation', extension: 'odp' },
  { mediaType: 'application/vnd.oasis.opendocument.graphics', extension: 'odg' },
];

/** file-type names that mimetype spells differently. */
const EXTENSION_ALIASES: Record<string, string> = { tif: 'tiff', mid: 'midi', aif: 'aiff', mpg: 'mpeg', eps: 'ps', mp1: 'mp3', mp2: 'mp3', cfb: '' };

/** file-type results for text formats; those are left to the text rules, as mimetype checks text last. */
const TEXT_EXTENSIONS = new Set(['xml', 'svg', 'html', 'rtf', 'vtt', 'vcf', 'ics']);

/**
 * Reads the names of the zip local file headers in `raw` the way mimetype's zip iterator does: a
 * linear search for `PK\x03\x04`, the name length at offset 26, the name at offset 30.
 */
function listZipEntryNames(raw: Buffer, maxEntries: number): string[] {
  const names: string[] = [];
  let position = 0;
  while (names.length < maxEntries) {
    const header = raw.indexOf('PK\x03\x04', position, 'latin1');
    if (header < 0 || header + 30 > raw.length) break;
    const nameLength = raw.readUInt16LE(header + 26);
    const nameStart = header + 30;
    if (nameStart + nameLength > raw.length) break;
    names.push(raw.subarray(nameStart, nameStart + nameLength).toString('latin1'));
    position = nameStart;
  }
  return names;
}

function isZip(raw: Buffer): boolean {
  return raw.length > 3 && raw[0] === 0x50 && raw[1] === 0x4b && [3, 5, 7].includes(raw[2] as number) && [4, 6, 8].includes(raw[3] as number);
}

function sniffZipFamily(raw: Buffer): SniffedType {
  const names = listZipEntryNames(raw, 100);
  const first = names[0] ?? '';
  const firstIsOoxml = first === '[Content_Types].xml' || ['_rels/', 'docProps/', 'customXml/', '[trash]/'].some((prefix) => first.startsWith(prefix));
  for (const { folder, type } of OOXML_TYPES) {
    // msoxml gives up after the first entry unless that entry is one an OOXML package starts with.
    const searched = firstIsOoxml ? names : names.slice(0, 1);
    if (searched.some((name) => name.startsWith(folder))) return type;
  }
  for (const type of PACKAGE_TYPES) {
    const signature = `mimetype${type.mediaType}`;
    if (raw.subarray(30, 30 + signature.length).toString('latin1') === signature) return type;
  }
  return { mediaType: 'application/zip', extension: 'zip' };
}

/** Compound File Binary (OLE2) files: the legacy Office formats, named by their UTF-16 stream names. */
function sniffOleFamily(raw: Buffer): SniffedType {
  const has = (streamName: string) => raw.includes(Buffer.from(streamName, 'utf16le'));
  if (has('WordDocument')) return { mediaType: 'application/msword', extension: 'doc' };
  if (has('Workbook') || has('Book')) return { mediaType: 'application/vnd.ms-excel', extension: 'xls' };
  if (has('PowerPoint Document')) return { mediaType: 'application/vnd.ms-powerpoint', extension: 'ppt' };
  return { mediaType: 'application/x-ole-storage', extension: '' };
}

/**
 * Sniffs a file's type from its first 4,096 bytes, as the server's `mimetype.DetectFile` does.
 * Zip packages come first (Office Open XML by their entries). PDF follows, matched by `%PDF-`
 * anywhere in the first 1,024 bytes, so text quoting it counts as PDF. Other binary formats come
 * next, then text, whose plain form is `txt`.
 *
 * NOTE: binary formats other than zip, PDF and OLE are recognised with the `file-type` package and
 * mapped to mimetype's extensions, and the text rules cover the common subtypes only, so rare
 * formats may be named differently from the real server.
 */
export async function sniffFileType(content: Uint8Array): Promise<SniffedType> {
  const raw = Buffer.from(content.buffer, content.byteOffset, Math.min(content.byteLength, READ_LIMIT));
  if (isZip(raw)) return sniffZipFamily(raw);
  if (raw.subarray(0, 1024).includes('%PDF-', 0, 'latin1')) return { mediaType: 'application/pdf', extension: 'pdf' };
  if (raw.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return sniffOleFamily(raw);

  const detected = await fileTypeFromBuffer(raw);
  if (detected && !TEXT_EXTENSIONS.has(detected.ext)) {
    const extension = EXTENSION_ALIASES[detected.ext] ?? detected.ext;
    return { mediaType: extension === '' ? OCTET_STREAM.mediaType : detected.mime, extension };
  }
  return detectTextType(raw) ?? OCTET_STREAM;
}
