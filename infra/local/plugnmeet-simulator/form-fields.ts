import { basePath } from './file-naming';
import { bytesToText, parseMediaType } from './media-type';

/** A file part of a multipart form. */
export interface FormFile {
  /** The part's `filename` parameter reduced to its last path element, as Go's `FileHeader.Filename`. */
  filename: string;
  content: Buffer;
}

interface MultipartForm {
  values: Map<string, string[]>;
  files: Map<string, FormFile[]>;
}

type MultipartResult = { ok: true; form: MultipartForm } | { ok: false; error: string };

export const NOT_MULTIPART_ERROR = 'fasthttp: request content-type has bad boundary or is not multipart/form-data';
export const MISSING_FILE_ERROR = 'fasthttp: there is no uploaded file associated with the given key';

/**
 * fasthttp's `MultipartFormBoundary`: the Content-Type must start with the case-sensitive
 * `multipart/form-data;` and carry a `boundary=` parameter.
 */
function findBoundary(contentType: string): string | undefined {
  const prefix = 'multipart/form-data';
  if (!contentType.startsWith(prefix) || contentType.charAt(prefix.length) !== ';') return undefined;
  for (const rawParam of contentType.slice(prefix.length + 1).split(';')) {
    const param = rawParam.replace(/^ +/, '');
    if (!param.startsWith('boundary')) continue;
    let value = param.slice('boundary'.length);
    if (!value.startsWith('=')) return undefined;
    value = value.slice(1);
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** Reads part headers (`Name: value` lines) into a map keyed by lowercase name; the first value wins. */
function parsePartHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * Parses a multipart body as Go's `multipart.Reader.ReadForm` does for fasthttp. Parts without a
 * `form-data` disposition or a `name` are skipped. A part with a non-empty `filename` is a file,
 * and any other part is a value. A body without its closing delimiter fails, as in Go's reader.
 */
function parseMultipart(body: Buffer, boundary: string): MultipartResult {
  const fail = (detail: string): MultipartResult => ({ ok: false, error: `cannot read multipart/form-data body: ${detail}` });
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const form: MultipartForm = { values: new Map(), files: new Map() };

  let position = body.indexOf(delimiter);
  if (position < 0) return fail('multipart: NextPart: EOF');
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString('latin1') === '--') return { ok: true, form };
    const lineEnd = body.indexOf('\n', position);
    if (lineEnd < 0) return fail('multipart: NextPart: EOF');
    const partStart = lineEnd + 1;
    const next = body.indexOf(Buffer.concat([Buffer.from('\n'), delimiter]), partStart);
    if (next < 0) return fail('multipart: NextPart: EOF');
    const partEnd = body[next - 1] === 0x0d ? next - 1 : next;
    const part = body.subarray(partStart, partEnd);

    let headerEnd = part.indexOf('\r\n\r\n');
    let separatorLength = 4;
    if (headerEnd < 0) {
      headerEnd = part.indexOf('\n\n');
      separatorLength = 2;
    }
    if (headerEnd < 0) return fail('multipart: NextPart: EOF');
    const headers = parsePartHeaders(part.subarray(0, headerEnd).toString('latin1'));
    const content = part.subarray(headerEnd + separatorLength);

    const disposition = parseMediaType(headers.get('content-disposition') ?? '');
    const name = disposition.ok && disposition.mediaType === 'form-data' ? disposition.params.get('name') ?? '' : '';
    const rawFilename = disposition.ok ? disposition.params.get('filename') ?? '' : '';
    if (name !== '') {
      const key = bytesToText(name);
      if (rawFilename === '') {
        form.values.set(key, [...(form.values.get(key) ?? []), content.toString('utf8')]);
      } else {
        const file: FormFile = { filename: basePath(bytesToText(rawFilename)), content: Buffer.from(content) };
        form.files.set(key, [...(form.files.get(key) ?? []), file]);
      }
    }
    position = next + 1;
  }
}

/** The request's form as fasthttp reads it: query, urlencoded body, and multipart body. */
export class RequestForm {
  private multipart: MultipartResult | undefined;

  constructor(
    private readonly query: URLSearchParams,
    private readonly contentType: string,
    private readonly body: Buffer,
  ) {}

  /**
   * fasthttp's `FormValue`: the first non-empty value among the query string, an urlencoded body
   * (Content-Type starting with `application/x-www-form-urlencoded`) and multipart values.
   */
  value(key: string): string {
    const fromQuery = this.query.get(key);
    if (fromQuery) return fromQuery;
    if (this.contentType.startsWith('application/x-www-form-urlencoded')) {
      const fromBody = new URLSearchParams(this.body.toString('utf8')).get(key);
      if (fromBody) return fromBody;
    }
    const multipart = this.readMultipart();
    return multipart.ok ? multipart.form.values.get(key)?.[0] ?? '' : '';
  }

  /** fasthttp's `FormFile`: the first file part named `key`, or fasthttp's error text. */
  file(key: string): { ok: true; file: FormFile } | { ok: false; error: string } {
    const multipart = this.readMultipart();
    if (!multipart.ok) return multipart;
    const file = multipart.form.files.get(key)?.[0];
    return file ? { ok: true, file } : { ok: false, error: MISSING_FILE_ERROR };
  }

  private readMultipart(): MultipartResult {
    if (!this.multipart) {
      const boundary = findBoundary(this.contentType);
      this.multipart = boundary === undefined ? { ok: false, error: NOT_MULTIPART_ERROR } : parseMultipart(this.body, boundary);
    }
    return this.multipart;
  }
}
