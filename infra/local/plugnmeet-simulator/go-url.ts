/**
 * The parts of Go's `net/url` behaviour that decide how the server reads a `document_link`:
 * `url.ParseRequestURI` (its only syntax check) and the decoded `URL.Path` grab names files from.
 */

/** A request URI split as Go splits it. Strings hold the raw (still escaped) text. */
export interface RequestUri {
  scheme: string;
  /** `host[:port]` as written, empty when the URI has no authority. */
  host: string;
  /** Set for URIs like `mailto:x` whose rest does not start with `/`. */
  opaque: string;
  rawPath: string;
  rawQuery: string;
}

export type ParsedRequestUri = { ok: true; uri: RequestUri } | { ok: false; error: string };

function isUnreservedHex(text: string): boolean {
  return /^[0-9a-fA-F]{2}$/.test(text);
}

function checkEscapes(text: string): string | undefined {
  for (let index = 0; index < text.length; index += 1) {
    if (text.charAt(index) !== '%') continue;
    const escape = text.slice(index, index + 3);
    if (!isUnreservedHex(escape.slice(1))) return `invalid URL escape "${escape}"`;
    index += 2;
  }
  return undefined;
}

function splitScheme(raw: string): { scheme: string; rest: string } | { error: string } {
  for (let index = 0; index < raw.length; index += 1) {
    const char = raw.charAt(index);
    if (/[a-zA-Z]/.test(char)) continue;
    if (/[0-9+\-.]/.test(char)) {
      if (index === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (char === ':') {
      if (index === 0) return { error: 'missing protocol scheme' };
      return { scheme: raw.slice(0, index).toLowerCase(), rest: raw.slice(index + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function checkHost(host: string): string | undefined {
  let hostname = host;
  const at = hostname.lastIndexOf('@');
  if (at >= 0) hostname = hostname.slice(at + 1);
  let portPart = '';
  if (hostname.startsWith('[')) {
    const close = hostname.indexOf(']');
    if (close < 0) return 'missing \']\' in host';
    portPart = hostname.slice(close + 1);
    if (portPart !== '' && !portPart.startsWith(':')) return `invalid port "${portPart}" after host`;
  } else {
    const colon = hostname.lastIndexOf(':');
    if (colon >= 0) {
      portPart = hostname.slice(colon);
      hostname = hostname.slice(0, colon);
    }
  }
  if (portPart !== '' && !/^:[0-9]*$/.test(portPart)) return `invalid port "${portPart}" after host`;
  const escapeError = checkEscapes(hostname);
  if (escapeError) return escapeError;
  const bad = /[ "<>\\^`{|}]/.exec(hostname);
  if (bad) return `invalid character "${bad[0]}" in host name`;
  return undefined;
}

/**
 * Parses like Go's `url.ParseRequestURI`: an absolute URI or an absolute path, no fragment
 * handling. Like the server, it accepts `/foo` and `ftp://x`, which fail later at the HEAD.
 *
 * NOTE: this covers the checks a link is likely to trip: control bytes, scheme, relative paths,
 * ports, brackets, escapes and host characters. Rarer Go rules, such as IPv6 zone syntax, are not
 * modelled.
 */
export function parseRequestUri(raw: string): ParsedRequestUri {
  const fail = (reason: string): ParsedRequestUri => ({ ok: false, error: `parse ${JSON.stringify(raw)}: ${reason}` });
  if ([...raw].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) return fail('net/url: invalid control character in URL');
  if (raw === '') return fail('empty url');
  if (raw === '*') return { ok: true, uri: { scheme: '', host: '', opaque: '', rawPath: '*', rawQuery: '' } };

  const split = splitScheme(raw);
  if ('error' in split) return fail(split.error);
  let rest = split.rest;
  let rawQuery = '';
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const question = rest.indexOf('?');
    if (question >= 0) {
      rawQuery = rest.slice(question + 1);
      rest = rest.slice(0, question);
    }
  }

  if (!rest.startsWith('/')) {
    if (split.scheme !== '') return { ok: true, uri: { scheme: split.scheme, host: '', opaque: rest, rawPath: '', rawQuery } };
    return fail('invalid URI for request');
  }

  let host = '';
  if (split.scheme !== '' && rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    host = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
    rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    const hostError = checkHost(host);
    if (hostError) return fail(hostError);
  }
  const pathError = checkEscapes(rest);
  if (pathError) return fail(pathError);
  return { ok: true, uri: { scheme: split.scheme, host, opaque: '', rawPath: rest, rawQuery } };
}

/** Percent-decodes a raw URL path into the form of Go's `URL.Path`, reading the bytes as UTF-8. */
export function decodeUrlPath(rawPath: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(rawPath, 'utf8');
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index] as number;
    const hex = raw.subarray(index + 1, index + 3).toString('latin1');
    if (byte === 0x25 && isUnreservedHex(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
