import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_TYPES, OPTIONAL_FILE_TYPES, type FileType } from '../../lib/config';
import { UnsupportedFileTypeError } from '../../lib/errors';
import { FILE_TYPE_MIME, resolveFileType } from '../../lib/file-types';

const ALL_TYPES: readonly FileType[] = [...DEFAULT_FILE_TYPES, ...OPTIONAL_FILE_TYPES];
const PPTX_MIME = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('FILE_TYPE_MIME', () => {
  it('maps every file type to the MIME type plugNmeet looks up', () => {
    // Assess
    expect(FILE_TYPE_MIME).toStrictEqual({
      pdf: 'application/pdf',
      docx: DOCX_MIME,
      pptx: PPTX_MIME,
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
  });

  it('is frozen', () => {
    // Assess
    expect(Object.isFrozen(FILE_TYPE_MIME)).toBe(true);
  });
});

describe('resolveFileType', () => {
  it('returns the stored type when it matches the extension', () => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/Q3 slides.pptx', storedContentType: PPTX_MIME }, DEFAULT_FILE_TYPES);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'pptx', contentType: PPTX_MIME });
  });

  it.each([
    ['binary/octet-stream'],
    ['application/octet-stream'],
    [''],
    [undefined],
    ['application/x-download'],
    ['application/force-download'],
    ['Binary/Octet-Stream; charset=binary'],
  ])('falls back to the extension when the stored type is %j', (storedContentType) => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/deck.PPTX', storedContentType }, DEFAULT_FILE_TYPES);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'pptx', contentType: PPTX_MIME });
  });

  it('ignores case and parameters of the stored type', () => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/report', storedContentType: 'Application/PDF; name="x"' }, DEFAULT_FILE_TYPES);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'pdf', contentType: 'application/pdf' });
  });

  it('trusts a specific stored document type over a contradicting extension', () => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/notes.pdf', storedContentType: DOCX_MIME }, DEFAULT_FILE_TYPES);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'docx', contentType: DOCX_MIME });
  });

  it('reads a CSV that Windows uploaded as application/vnd.ms-excel as CSV', () => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/data.csv', storedContentType: 'application/vnd.ms-excel' }, ['csv', 'xls']);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'csv', contentType: 'text/csv' });
  });

  it('reads application/vnd.ms-excel on an .xls key as XLS', () => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/data.xls', storedContentType: 'application/vnd.ms-excel' }, ['csv', 'xls']);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'xls', contentType: 'application/vnd.ms-excel' });
  });

  it('reads a zip type on an OOXML extension as the office type', () => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/letter.docx', storedContentType: 'application/zip' }, DEFAULT_FILE_TYPES);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'docx', contentType: DOCX_MIME });
  });

  it('uses the extension when the stored type is specific but unknown', () => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/readme.txt', storedContentType: 'text/markdown' }, DEFAULT_FILE_TYPES);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'txt', contentType: 'text/plain' });
  });

  it.each([
    ['an image by stored type', 'rooms/r1/photo.png', 'image/png'],
    ['an image by extension', 'rooms/r1/photo.JPG', 'binary/octet-stream'],
    ['an image whose extension claims PDF', 'rooms/r1/scan.pdf', 'image/jpeg'],
    ['an archive by stored type', 'rooms/r1/bundle.zip', 'application/zip'],
    ['an archive by extension', 'rooms/r1/bundle.7z', 'application/octet-stream'],
    ['audio', 'rooms/r1/talk.mp3', 'audio/mpeg'],
    ['video', 'rooms/r1/clip.mp4', 'video/mp4'],
    ['HTML', 'rooms/r1/page.html', 'text/html'],
    ['a generic type without extension', 'rooms/r1/README', 'binary/octet-stream'],
    ['a generic type with an unknown extension', 'rooms/r1/model.stl', 'binary/octet-stream'],
  ])('rejects %s', (_case, key, storedContentType) => {
    // Act
    const error = catchError(() => resolveFileType({ key, storedContentType }, ALL_TYPES));

    // Assess
    expect(error).toBeInstanceOf(UnsupportedFileTypeError);
    expect((error as UnsupportedFileTypeError).code).toBe('UNSUPPORTED_FILE_TYPE');
    expect((error as UnsupportedFileTypeError).facts).toStrictEqual({ key });
  });

  it('names images as not convertible', () => {
    // Act
    const error = catchError(() => resolveFileType({ key: 'rooms/r1/photo.png', storedContentType: 'image/png' }, ALL_TYPES));

    // Assess
    expect((error as Error).message).toContain('image');
    expect((error as Error).message).toContain('rooms/r1/photo.png');
  });

  it('rejects a convertible type the operator did not allow and names the settings', () => {
    // Act
    const error = catchError(() =>
      resolveFileType({ key: 'rooms/r1/minutes.odt', storedContentType: 'application/vnd.oasis.opendocument.text' }, DEFAULT_FILE_TYPES),
    );

    // Assess
    expect(error).toBeInstanceOf(UnsupportedFileTypeError);
    expect((error as Error).message).toContain('ALLOWED_FILE_TYPES');
    expect((error as Error).message).toContain('allowed_types');
  });

  it('accepts an optional type once it is allowed', () => {
    // Act
    const resolved = resolveFileType({ key: 'rooms/r1/minutes.odt', storedContentType: 'binary/octet-stream' }, ['pdf', 'odt']);

    // Assess
    expect(resolved).toStrictEqual({ fileType: 'odt', contentType: 'application/vnd.oasis.opendocument.text' });
  });

  it('never returns a generic or unknown type', () => {
    // Prepare
    const storedTypes = fc.constantFrom(
      undefined,
      '',
      'binary/octet-stream',
      'application/octet-stream',
      'application/zip',
      'image/png',
      'text/plain',
      'text/markdown',
      ...Object.values(FILE_TYPE_MIME),
    );
    const extensions = fc.constantFrom('', '.pdf', '.PPTX', '.docx', '.csv', '.zip', '.png', '.mp4', '.bin', '.odt', '.txt');
    const canonicalTypes = new Set(Object.values(FILE_TYPE_MIME));

    // Act and Assess
    fc.assert(
      fc.property(storedTypes, extensions, fc.subarray([...ALL_TYPES], { minLength: 1 }), (storedContentType, extension, allowed) => {
        try {
          const resolved = resolveFileType({ key: `rooms/r1/file${extension}`, storedContentType }, allowed);
          expect(canonicalTypes.has(resolved.contentType)).toBe(true);
          expect(resolved.contentType).toBe(FILE_TYPE_MIME[resolved.fileType]);
          expect(allowed).toContain(resolved.fileType);
        } catch (error) {
          expect(error).toBeInstanceOf(UnsupportedFileTypeError);
        }
      }),
    );
  });
});
