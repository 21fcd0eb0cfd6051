/**
 * A TypeScript rendering of the rules of Go's `mime.ParseMediaType` (Go 1.22+), which the server
 * uses, through Go's mimetype and grab packages, on `Content-Type` and `Content-Disposition`
 * headers. Strings here hold one byte per character (latin1), as Node keeps header bytes.
 */

/** The result of parsing: a lowercase media type and its parameters, or a Go error text. */
export type ParsedMediaType =
  | { ok: true; mediaType: string; params: Map<string, string> }
  | { ok: false; mediaType: string; error: string };

const TSPECIALS = new Set('()<>@,;:\\"/[]?='.split(''));

function isTokenChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return code > 0x20 && code < 0x7f && !TSPECIALS.has(char);
}

function isGoSpace(char: string): boolean {
  // unicode.IsSpace over latin1 bytes: \t \n \v \f \r, space, U+0085 and U+00A0.
  return /[\t\n\v\f\r \u0085\u00a0]/.test(char);
}

function trimLeftSpace(value: string): string {
  let index = 0;
  while (index < value.length && isGoSpace(value.charAt(index))) index += 1;
  return value.slice(index);
}

function consumeToken(value: string): [token: string, rest: string] {
  let index = 0;
  while (index < value.length && isTokenChar(value.charAt(index))) index += 1;
  return [value.slice(0, index), value.slice(index)];
}

/** Consumes a token, or a quoted string with backslash escapes of tspecials only (Go's MSIE allowance). */
function consumeValue(value: string): [value: string, rest: string] {
  if (value === '') return ['', ''];
  if (value.charAt(0) !== '"') return consumeToken(value);
  let buffer = '';
  for (let index = 1; index < value.length; index += 1) {
    const char = value.charAt(index);
    if (char === '"') return [buffer, value.slice(index + 1)];
    if (char === '\\' && index + 1 < value.length && TSPECIALS.has(value.charAt(index + 1))) {
      buffer += value.charAt(index + 1);
      index += 1;
      continue;
    }
    if (char === '\r' || char === '\n') return ['', value];
    buffer += char;
  }
  return ['', value];
}

function consumeMediaParam(value: string): [key: string, paramValue: string, rest: string] {
  let rest = trimLeftSpace(value);
  if (!rest.startsWith(';')) return ['', '', value];
  rest = trimLeftSpace(rest.slice(1));
  const [rawKey, afterKey] = consumeToken(rest);
  const key = rawKey.toLowerCase();
  if (key === '') return ['', '', value];
  rest = trimLeftSpace(afterKey);
  if (!rest.startsWith('=')) return ['', '', value];
  rest = trimLeftSpace(rest.slice(1));
  const [paramValue, afterValue] = consumeValue(rest);
  if (paramValue === '' && afterValue === rest) return ['', '', value];
  return [key, paramValue, afterValue];
}

function checkMediaTypeDisposition(value: string): string | undefined {
  const [typeName, rest] = consumeToken(value);
  if (typeName === '') return 'mime: no media type';
  if (rest === '') return undefined;
  if (!rest.startsWith('/')) return 'mime: expected slash after first token';
  const [subtype, afterSubtype] = consumeToken(rest.slice(1));
  if (subtype === '') return 'mime: expected token after slash';
  if (afterSubtype !== '') return 'mime: unexpected content after media subtype';
  return undefined;
}

/** Percent-decodes into latin1 bytes; undefined when an escape is malformed, as Go rejects it. */
function percentHexUnescape(value: string): string | undefined {
  let output = '';
  for (let index = 0; index < value.length; index += 1) {
    const char = value.charAt(index);
    if (char !== '%') {
      output += char;
      continue;
    }
    const hex = value.slice(index + 1, index + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
    output += String.fromCharCode(parseInt(hex, 16));
    index += 2;
  }
  return output;
}

/** Decodes an RFC 2231 `charset'language'value`; only us-ascii and utf-8 are accepted, as in Go. */
function decode2231(value: string): string | undefined {
  const first = value.indexOf("'");
  if (first < 0) return undefined;
  const second = value.indexOf("'", first + 1);
  if (second < 0) return undefined;
  const charset = value.slice(0, first).toLowerCase();
  if (charset !== 'us-ascii' && charset !== 'utf-8') return undefined;
  return percentHexUnescape(value.slice(second + 1));
}

/**
 * Parses a media type value with its parameters. RFC 2231 parameters (`name*`, `name*0`, …) are
 * decoded and replace a plain parameter of the same name; one that fails to decode is dropped.
 */
export function parseMediaType(header: string): ParsedMediaType {
  const semicolon = header.indexOf(';');
  const base = semicolon < 0 ? header : header.slice(0, semicolon);
  const mediaType = base.toLowerCase().trim();
  const typeError = checkMediaTypeDisposition(mediaType);
  if (typeError !== undefined) return { ok: false, mediaType: '', error: typeError };

  const params = new Map<string, string>();
  const continuations = new Map<string, Map<string, string>>();
  let rest = header.slice(base.length);
  while (rest.length > 0) {
    rest = trimLeftSpace(rest);
    if (rest.length === 0) break;
    const [key, value, afterParam] = consumeMediaParam(rest);
    if (key === '') {
      if (rest.trim() === ';') break;
      return { ok: false, mediaType, error: 'mime: invalid media parameter' };
    }
    let target = params;
    const star = key.indexOf('*');
    if (star >= 0) {
      const baseName = key.slice(0, star);
      target = continuations.get(baseName) ?? new Map<string, string>();
      continuations.set(baseName, target);
    }
    const existing = target.get(key);
    if (existing !== undefined && existing !== value) return { ok: false, mediaType: '', error: 'mime: duplicate parameter name' };
    target.set(key, value);
    rest = afterParam;
  }

  for (const [name, pieces] of continuations) {
    const single = pieces.get(`${name}*`);
    if (single !== undefined) {
      const decoded = decode2231(single);
      if (decoded !== undefined) params.set(name, decoded);
      continue;
    }
    let joined = '';
    let valid = false;
    for (let part = 0; ; part += 1) {
      const plain = pieces.get(`${name}*${part}`);
      if (plain !== undefined) {
        valid = true;
        joined += plain;
        continue;
      }
      const encoded = pieces.get(`${name}*${part}*`);
      if (encoded === undefined) break;
      valid = true;
      joined += (part === 0 ? decode2231(encoded) : percentHexUnescape(encoded)) ?? '';
    }
    if (valid) params.set(name, joined);
  }
  return { ok: true, mediaType, params };
}

/** Converts a latin1 byte string to text, decoding UTF-8 where the bytes form it. */
export function bytesToText(byteString: string): string {
  return Buffer.from(byteString, 'latin1').toString('utf8');
}
