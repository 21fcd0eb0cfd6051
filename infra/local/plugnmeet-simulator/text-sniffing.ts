import type { SniffedType } from './file-sniffing';

const HTML_SIGNATURES = ['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'];

const BYTE_ORDER_MARKS = [[0xef, 0xbb, 0xbf], [0xfe, 0xff], [0xff, 0xfe]];

function isWhitespaceByte(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c;
}

/** mimetype's `Text`: a byte order mark, or no WHATWG "binary data byte" in the sample. */
function isText(raw: Buffer): boolean {
  if (BYTE_ORDER_MARKS.some((mark) => mark.every((byte, index) => raw[index] === byte))) return true;
  return !raw.some((byte) => byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f));
}

/** Skips a UTF-8 BOM and leading whitespace, as mimetype's markup checks do. */
function trimMarkupStart(raw: Buffer): Buffer {
  let start = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  while (start < raw.length && isWhitespaceByte(raw[start] as number)) start += 1;
  return raw.subarray(start);
}

/** Checks for a case-insensitive tag prefix followed by whitespace or `>`. */
function startsWithTag(text: Buffer, signature: string): boolean {
  if (text.length < signature.length + 1) return false;
  if (text.subarray(0, signature.length).toString('latin1').toUpperCase() !== signature.toUpperCase()) return false;
  const next = text[signature.length] as number;
  return isWhitespaceByte(next) || next === 0x3e;
}

function isSvg(raw: Buffer): boolean {
  let text = trimMarkupStart(raw).toString('latin1');
  text = text.replace(/^<\?xml[\s\S]*?\?>\s*/i, '');
  while (/^(<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*/i.test(text)) text = text.replace(/^(<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*/i, '');
  return text.startsWith('<svg') && text.includes('http://www.w3.org/2000/svg');
}

function isJson(text: string, truncated: boolean): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    // A sample cut at the read limit can still be JSON, as mimetype accepts a valid prefix.
    return truncated;
  }
}

/** Splits one CSV record off `text`, honouring double quotes; returns its field count and the rest. */
function readCsvRecord(text: string, separator: string): { fields: number; rest: string } {
  let fields = 1;
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === separator) fields += 1;
    else if (!quoted && char === '\n') return { fields, rest: text.slice(index + 1) };
  }
  return { fields, rest: '' };
}

/**
 * Applies mimetype's CSV/TSV rule: at least two fields in the header and at least two records
 * with that field count, and ten such records are enough. Lines starting with `#` are comments,
 * and a cut-off last record is allowed.
 */
function isSeparatedValues(text: string, separator: string, truncated: boolean): boolean {
  const records: number[] = [];
  let rest = text.replace(/\r\n/g, '\n');
  while (rest !== '' && records.length < 10) {
    const { fields, rest: after } = readCsvRecord(rest, separator);
    const line = rest.slice(0, rest.length - after.length);
    rest = after;
    if (line.startsWith('#') || line.trim() === '') continue;
    records.push(fields);
  }
  const header = records[0] ?? 0;
  if (header < 2 || records.length < 2) return false;
  return records.every((fields, index) => fields === header || (truncated && rest === '' && index === records.length - 1 && fields < header));
}

/**
 * Classifies a text sample the way mimetype's text subtree does for the common formats: SVG,
 * HTML, XML, JSON, RTF, CSV, TSV, vCard, iCalendar and shell scripts, else plain text (`txt`).
 * Returns undefined when the sample is not text at all.
 */
export function detectTextType(raw: Buffer): SniffedType | undefined {
  if (!isText(raw)) return undefined;
  const truncated = raw.length >= 4096;
  const markup = trimMarkupStart(raw);
  const text = raw.toString('utf8');

  if (isSvg(raw)) return { mediaType: 'image/svg+xml', extension: 'svg' };
  if (HTML_SIGNATURES.some((signature) => startsWithTag(markup, signature))) return { mediaType: 'text/html; charset=utf-8', extension: 'html' };
  if (startsWithTag(markup, '<?XML')) return { mediaType: 'text/xml; charset=utf-8', extension: 'xml' };
  if (isJson(text, truncated)) return { mediaType: 'application/json', extension: 'json' };
  if (raw.subarray(0, 5).toString('latin1') === '{\\rtf') return { mediaType: 'text/rtf', extension: 'rtf' };
  if (isSeparatedValues(text, ',', truncated)) return { mediaType: 'text/csv', extension: 'csv' };
  if (isSeparatedValues(text, '\t', truncated)) return { mediaType: 'text/tab-separated-values', extension: 'tsv' };
  if (/^BEGIN:VCARD/i.test(text.trimStart())) return { mediaType: 'text/vcard', extension: 'vcf' };
  if (/^BEGIN:VCALENDAR/i.test(text.trimStart())) return { mediaType: 'text/calendar', extension: 'ics' };
  if (/^#!\s*\/(usr\/(local\/)?)?bin\/(env\s+(-S\s+)?)?(ba|c|da|k|tc|z)?sh\b/.test(text)) return { mediaType: 'text/x-shellscript', extension: 'sh' };
  return { mediaType: 'text/plain; charset=utf-8', extension: 'txt' };
}
