import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildContentDisposition, makeDeliveryFilename } from '../../lib/content-disposition';
import { InvalidInputError } from '../../lib/errors';

const SUFFIX = '[a-z2-7]{8}';

/** RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~", plus %XX escapes. */
const RFC5987_VALUE = /^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})*$/;

function splitDisposition(header: string): { fallback: string; encoded: string } {
  const match = /^attachment; filename="([^"]*)"; filename\*=UTF-8''(.*)$/.exec(header);
  if (!match) throw new Error(`unexpected Content-Disposition: ${header}`);
  return { fallback: match[1]!, encoded: match[2]! };
}

describe('makeDeliveryFilename', () => {
  it('keeps the base name and adds a suffix before the extension', () => {
    // Act
    const filename = makeDeliveryFilename('rooms/r1/Q3 slides (final).pptx', 'message-1', 'pptx');

    // Assess
    expect(filename).toMatch(new RegExp(`^Q3 slides \\(final\\)-${SUFFIX}\\.pptx$`));
  });

  it('gives two deliveries of one key two names', () => {
    // Act
    const first = makeDeliveryFilename('rooms/r1/deck.pptx', 'message-1', 'pptx');
    const second = makeDeliveryFilename('rooms/r1/deck.pptx', 'message-2', 'pptx');

    // Assess
    expect(first).not.toBe(second);
  });

  it('gives one delivery the same name every time', () => {
    // Act
    const first = makeDeliveryFilename('rooms/r1/deck.pptx', 'message-1', 'pptx');
    const second = makeDeliveryFilename('rooms/r1/deck.pptx', 'message-1', 'pptx');

    // Assess
    expect(first).toBe(second);
  });

  it.each([
    ['an upper-case extension', 'rooms/r1/report.PDF', 'pdf', /^report-[a-z2-7]{8}\.pdf$/],
    ['no extension', 'rooms/r1/notes', 'txt', /^notes-[a-z2-7]{8}\.txt$/],
    ['an extension of another type', 'rooms/r1/scan.pdf', 'docx', /^scan-[a-z2-7]{8}\.docx$/],
    ['a dot that is not an extension', 'rooms/r1/plan v1.2', 'pdf', /^plan v1\.2-[a-z2-7]{8}\.pdf$/],
    ['a key without a folder', 'deck.pptx', 'pptx', /^deck-[a-z2-7]{8}\.pptx$/],
  ])('uses the canonical extension for %s', (_case, key, fileType, expected) => {
    // Act
    const filename = makeDeliveryFilename(key, 'message-1', fileType as 'pdf');

    // Assess
    expect(filename).toMatch(expected);
  });

  it('replaces the characters plugNmeet would replace, and # and %', () => {
    // Act
    const filename = makeDeliveryFilename('rooms/r1/a<b>c:d"e|f?g*h#i%j\\k\u0001l.pdf', 'message-1', 'pdf');

    // Assess
    expect(filename).toMatch(new RegExp(`^a_b_c_d_e_f_g_h_i_j_k_l-${SUFFIX}\\.pdf$`));
  });

  it('keeps characters plugNmeet leaves alone', () => {
    // Act
    const filename = makeDeliveryFilename("rooms/r1/C++ & R'n'D (v2) = 100.pdf", 'message-1', 'pdf');

    // Assess
    expect(filename).toMatch(new RegExp(`^C\\+\\+ & R'n'D \\(v2\\) = 100-${SUFFIX}\\.pdf$`));
  });

  it('keeps non-ASCII characters unchanged', () => {
    // Prepare
    const decomposed = 'Pra\u0308sentation – Q3.pptx';

    // Act
    const filename = makeDeliveryFilename(`rooms/r1/${decomposed}`, 'message-1', 'pptx');

    // Assess
    expect(filename.startsWith('Pra\u0308sentation – Q3-')).toBe(true);
  });

  it('trims leading dots and spaces', () => {
    // Act
    const filename = makeDeliveryFilename('rooms/r1/ ..hidden.pdf', 'message-1', 'pdf');

    // Assess
    expect(filename).toMatch(new RegExp(`^hidden-${SUFFIX}\\.pdf$`));
  });

  it('names the file "document" when nothing of the base name is left', () => {
    // Act
    const filename = makeDeliveryFilename('rooms/r1/ .pdf', 'message-1', 'pdf');

    // Assess
    expect(filename).toMatch(new RegExp(`^document-${SUFFIX}\\.pdf$`));
  });

  it('cuts long names to 200 UTF-8 bytes on a character boundary', () => {
    // Act
    const filename = makeDeliveryFilename(`rooms/r1/${'é'.repeat(300)}.pdf`, 'message-1', 'pdf');

    // Assess
    expect(Buffer.byteLength(filename, 'utf8')).toBeLessThanOrEqual(200);
    expect(filename).toMatch(new RegExp(`^é+-${SUFFIX}\\.pdf$`));
  });

  it('rejects an empty delivery id', () => {
    // Act and Assess
    expect(() => makeDeliveryFilename('rooms/r1/deck.pptx', '', 'pptx')).toThrow(InvalidInputError);
  });
});

describe('buildContentDisposition', () => {
  it('builds both filename parameters for an ASCII name', () => {
    // Act
    const header = buildContentDisposition('Q3 slides (final)-k3f9a2bq.pptx');

    // Assess
    expect(header).toBe(`attachment; filename="Q3 slides (final)-k3f9a2bq.pptx"; filename*=UTF-8''Q3%20slides%20%28final%29-k3f9a2bq.pptx`);
  });

  it('drops accents in the fallback and encodes UTF-8 in filename*', () => {
    // Act
    const header = buildContentDisposition('Präsentation – Q3.pptx');

    // Assess
    expect(header).toBe(`attachment; filename="Prasentation _ Q3.pptx"; filename*=UTF-8''Pr%C3%A4sentation%20%E2%80%93%20Q3.pptx`);
  });

  it("encodes the characters encodeURIComponent leaves: ! ' ( ) *", () => {
    // Act
    const { encoded } = splitDisposition(buildContentDisposition("a!b'c(d)e*f.pdf"));

    // Assess
    expect(encoded).toBe('a%21b%27c%28d%29e%2Af.pdf');
  });

  it('replaces quotes, backslashes, percent signs and control characters in the fallback', () => {
    // Act
    const { fallback } = splitDisposition(buildContentDisposition('a"b\\c%d\te.pdf'));

    // Assess
    expect(fallback).toBe('a_b_c_d_e.pdf');
  });

  it('replaces each character outside ASCII with one underscore in the fallback', () => {
    // Act
    const { fallback } = splitDisposition(buildContentDisposition('报告 😀.pdf'));

    // Assess
    expect(fallback).toBe('__ _.pdf');
  });

  it.each([[''], ['lone \ud800 surrogate.pdf']])('rejects the name %j', (filename) => {
    // Act and Assess
    expect(() => buildContentDisposition(filename)).toThrow(InvalidInputError);
  });

  it('encodes any name into attr-chars that decode back to the name', () => {
    // Act and Assess
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (filename) => {
        const { fallback, encoded } = splitDisposition(buildContentDisposition(filename));
        expect(encoded).toMatch(RFC5987_VALUE);
        expect(decodeURIComponent(encoded)).toBe(filename);
        expect(fallback).toMatch(/^[\x20-\x7e]*$/);
        expect(fallback).not.toMatch(/["\\]/);
      }),
      { numRuns: 500 },
    );
  });
});
