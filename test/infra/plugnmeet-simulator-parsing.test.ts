import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanPath, guessDownloadFilename, makeSafeFilename } from '../../infra/local/plugnmeet-simulator/file-naming';
import { sniffFileType } from '../../infra/local/plugnmeet-simulator/file-sniffing';
import { checkAllowedType, DEFAULT_ALLOWED_TYPES, isConvertible } from '../../infra/local/plugnmeet-simulator/file-types';
import { decodeUrlPath, parseRequestUri } from '../../infra/local/plugnmeet-simulator/go-url';
import { parseMediaType } from '../../infra/local/plugnmeet-simulator/media-type';
import { lookupMediaTypeExtension } from '../../infra/local/plugnmeet-simulator/mime-table';
import { readSample } from './plugnmeet-simulator-helpers';

/** RFC 5987 encoding: everything but attr-char is percent-encoded. */
function encodeRfc5987(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => (/[A-Za-z0-9!#$&+\-.^_`|~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** Returns the `filename` parameter decoded from latin1 bytes to UTF-8 text, if parsing succeeded. */
function filenameOf(parsed: ReturnType<typeof parseMediaType>): string | undefined {
  const raw = parsed.ok ? parsed.params.get('filename') : undefined;
  return raw === undefined ? undefined : Buffer.from(raw, 'latin1').toString('utf8');
}

describe('parseMediaType', () => {
  it('lowercases the type and drops spaces', () => {
    // Act
    const parsed = parseMediaType(' Application/PDF ; charset=UTF-8');

    // Assess
    expect(parsed).toStrictEqual({ ok: true, mediaType: 'application/pdf', params: new Map([['charset', 'UTF-8']]) });
  });

  it('decodes an RFC 2231 filename and prefers it to the plain one', () => {
    // Act
    const parsed = parseMediaType(`attachment; filename="plain.pdf"; filename*=UTF-8''M%C3%A9%20slides.pdf`);

    // Assess
    expect(parsed.ok).toBe(true);
    expect(filenameOf(parsed)).toBe('Mé slides.pdf');
  });

  it('rejects a filename* value with an unencoded parenthesis', () => {
    // Act
    const parsed = parseMediaType("attachment; filename*=UTF-8''deck(1).pdf");

    // Assess
    expect(parsed).toStrictEqual({ ok: false, mediaType: 'attachment', error: 'mime: invalid media parameter' });
  });

  it('accepts unencoded quote, star and bang in filename*, as Go does', () => {
    // Act
    const parsed = parseMediaType("attachment; filename*=UTF-8''it's*deck!.pdf");

    // Assess
    expect(parsed.ok).toBe(true);
    expect(filenameOf(parsed)).toBe("it's*deck!.pdf");
  });

  it('drops a filename* with an unsupported charset', () => {
    // Act
    const parsed = parseMediaType("attachment; filename*=ISO-8859-1''a.pdf");

    // Assess
    expect(parsed.ok).toBe(true);
    expect(filenameOf(parsed)).toBeUndefined();
  });

  it('rejects conflicting duplicate parameters', () => {
    // Act
    const parsed = parseMediaType('attachment; filename=a.pdf; filename=b.pdf');

    // Assess
    expect(parsed.ok).toBe(false);
  });

  it('round-trips any RFC 5987-encoded UTF-8 filename', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (name) => {
        // Act
        const parsed = parseMediaType(`attachment; filename*=UTF-8''${encodeRfc5987(name)}`);

        // Assess
        expect(filenameOf(parsed)).toBe(name);
      }),
    );
  });
});

describe('lookupMediaTypeExtension', () => {
  it.each([
    ['application/pdf', 'pdf'],
    ['APPLICATION/PDF; qs=1', 'pdf'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'pptx'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
    ['text/plain; charset=utf-8', 'txt'],
    ['application/xml', 'xml'],
    ['text/csv', 'csv'],
    ['application/rtf', 'rtf'],
    ['image/png', 'png'],
    ['image/jpeg', 'jpg'],
    ['application/x-zip-compressed', 'zip'],
    ['audio/mp3', 'mp3'],
    ['application/octet-stream', ''],
  ])('maps %s to %j', (contentType, extension) => {
    // Act
    const found = lookupMediaTypeExtension(contentType);

    // Assess
    expect(found).toBe(extension);
  });

  it.each(['binary/octet-stream', 'application/x-unknown', 'pdf', ''])('does not know %j', (contentType) => {
    // Act
    const found = lookupMediaTypeExtension(contentType);

    // Assess
    expect(found).toBeUndefined();
  });
});

describe('parseRequestUri', () => {
  it.each(['http://127.0.0.1:9000/rooms/a.pdf?X-Amz-Signature=abc', 'ftp://x', '/foo', 'mailto:someone'])('accepts %j', (link) => {
    // Act
    const parsed = parseRequestUri(link);

    // Assess
    expect(parsed.ok).toBe(true);
  });

  it.each(['slides.pdf', 'http://127.0.0.1:abc/x', 'http://[::1/x', 'http://127.0.0.1/a%zz', 'http://127.0.0.1/a\nb', '://x'])('rejects %j', (link) => {
    // Act
    const parsed = parseRequestUri(link);

    // Assess
    expect(parsed.ok).toBe(false);
  });

  it('decodes percent escapes of the path as UTF-8', () => {
    // Act
    const decoded = decodeUrlPath('/rooms/M%C3%A9%20slides%2Bv2.pdf');

    // Assess
    expect(decoded).toBe('/rooms/Mé slides+v2.pdf');
  });
});

describe('guessDownloadFilename', () => {
  it('uses the last path segment without the query', () => {
    // Act
    const name = guessDownloadFilename('/rooms/room-1/deck.pdf', undefined);

    // Assess
    expect(name).toBe('deck.pdf');
  });

  it('prefers the Content-Disposition filename', () => {
    // Act
    const name = guessDownloadFilename('/rooms/room-1/abc123', 'attachment; filename="Quarterly report.pdf"');

    // Assess
    expect(name).toBe('Quarterly report.pdf');
  });

  it('falls back to the path when the header does not parse', () => {
    // Act
    const name = guessDownloadFilename('/rooms/fallback.pdf', "attachment; filename*=UTF-8''deck(1).pdf");

    // Assess
    expect(name).toBe('fallback.pdf');
  });

  it('strips directories from a Content-Disposition filename', () => {
    // Act
    const name = guessDownloadFilename('/x', 'attachment; filename="../../etc/passwd"');

    // Assess
    expect(name).toBe('passwd');
  });

  it.each(['/rooms/', ''])('finds no name for path %j', (path) => {
    // Act
    const name = guessDownloadFilename(path, undefined);

    // Assess
    expect(name).toBeUndefined();
  });
});

describe('makeSafeFilename', () => {
  it('replaces characters illegal on Windows and trims dots and spaces', () => {
    // Act
    const name = makeSafeFilename(' .a:b?c*d|e".pdf. ', true);

    // Assess
    expect(name).toBe('a_b_c_d_e_.pdf');
  });

  it('falls back to a UUID when nothing is left', () => {
    // Act
    const name = makeSafeFilename('...', true);

    // Assess
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('cuts long names to 255 UTF-8 bytes on a character boundary', () => {
    // Act
    const name = makeSafeFilename('é'.repeat(200), true);

    // Assess
    expect(Buffer.byteLength(name, 'utf8')).toBe(254);
  });

  it('cleans paths as Go does', () => {
    // Act
    const cleaned = cleanPath('/a//b/./../c/');

    // Assess
    expect(cleaned).toBe('/a/c');
  });
});

describe('sniffFileType', () => {
  it.each([
    ['sample.pdf', 'pdf'],
    ['sample.docx', 'docx'],
    ['sample.pptx', 'pptx'],
    ['sample.xlsx', 'xlsx'],
    ['sample.txt', 'txt'],
    ['photo.png', 'png'],
  ])('detects %s as %s', async (sample, extension) => {
    // Act
    const sniffed = await sniffFileType(readSample(sample));

    // Assess
    expect(sniffed.extension).toBe(extension);
  });

  it.each([
    ['a,b,c\n1,2,3\n4,5,6\n', 'csv'],
    ['<!DOCTYPE html><html><body>x</body></html>', 'html'],
    ['<?xml version="1.0"?><note/>', 'xml'],
    ['{"a": [1, 2]}', 'json'],
    ['{\\rtf1\\ansi hello}', 'rtf'],
    ['A note that quotes a %PDF-1.7 header.', 'pdf'],
    ['Plain words only.', 'txt'],
  ])('detects text %j as %s', async (text, extension) => {
    // Act
    const sniffed = await sniffFileType(Buffer.from(text, 'utf8'));

    // Assess
    expect(sniffed.extension).toBe(extension);
  });

  it('cannot determine random binary', async () => {
    // Act
    const sniffed = await sniffFileType(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x10, 0x00]));

    // Assess
    expect(sniffed).toStrictEqual({ mediaType: 'application/octet-stream', extension: '' });
  });

  it('reports a non-OOXML zip as zip', async () => {
    // Prepare
    const docx = readSample('sample.docx');
    const renamed = Buffer.from(docx.toString('latin1').replace('[Content_Types].xml', 'zzzzzzzzzzzzzzzzzzz'), 'latin1');

    // Act
    const sniffed = await sniffFileType(renamed);

    // Assess
    expect(sniffed.extension).toBe('zip');
  });
});

describe('file type rules', () => {
  it('rejects an undetermined type with the server text', () => {
    // Act
    const error = checkAllowedType('', DEFAULT_ALLOWED_TYPES);

    // Assess
    expect(error).toBe("invalid: can't determine file type");
  });

  it('rejects a type outside allowed_types with the server text', () => {
    // Act
    const error = checkAllowedType('xml', DEFAULT_ALLOWED_TYPES);

    // Assess
    expect(error).toBe("'xml' is not an allowed file type");
  });

  it.each([
    ['pdf', true],
    ['docx', true],
    ['txt', true],
    ['png', false],
    ['zip', false],
    ['mp4', false],
  ])('knows whether %s converts', (extension, expected) => {
    // Act
    const convertible = isConvertible(extension);

    // Assess
    expect(convertible).toBe(expected);
  });
});
