import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/errors';
import { decodeS3EventKey } from '../../lib/s3-event-key';
import { encodeS3EventKey } from '../helpers/s3-event-factory';

/** Characters that S3 encoding and naive decoding get wrong, mixed into generated keys. */
const TRICKY_CHARACTERS = ['+', '%', ' ', '/', '&', '#', '?', '=', '(', ')', ':', '~', '*', '%2B', '%25', '\u0301', '\u00e9'];

const keyArbitrary = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(fc.constantFrom(...TRICKY_CHARACTERS), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 20 }).map(
    (parts) => parts.join(''),
  ),
);

/** Encodes the way other producers do: lowercase hex, `/` as `%2F`, space as `%20`. */
function encodeLoosely(key: string): string {
  return Array.from(Buffer.from(key, 'utf8'), (byte) => {
    const character = String.fromCharCode(byte);
    return /^[A-Za-z0-9._-]$/.test(character) ? character : `%${byte.toString(16).padStart(2, '0')}`;
  }).join('');
}

function captureError(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('decodeS3EventKey', () => {
  it('returns the original key when S3 encoded it', () => {
    fc.assert(
      fc.property(keyArbitrary, (key) => {
        // Prepare
        const rawKey = encodeS3EventKey(key);

        // Act
        const decoded = decodeS3EventKey(rawKey);

        // Assess
        expect(decoded).toBe(key);
      }),
      { numRuns: 500 },
    );
  });

  it('returns the original key when encoded with lowercase hex and %2F', () => {
    fc.assert(
      fc.property(keyArbitrary, (key) => {
        // Prepare
        const rawKey = encodeLoosely(key);

        // Act
        const decoded = decodeS3EventKey(rawKey);

        // Assess
        expect(decoded).toBe(key);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['My+Slides+%C3%A9t%C3%A9.pptx', 'My Slides été.pptx'],
    ['C%2B%2B+notes+%281%29.pdf', 'C++ notes (1).pdf'],
    ['100%25+done.pdf', '100% done.pdf'],
    ['Q3+R%26D+%3D+final.pptx', 'Q3 R&D = final.pptx'],
    ['room-42/Pr%C3%A4sentation+%E2%80%93+Q3.pptx', 'room-42/Präsentation – Q3.pptx'],
  ])('decodes %s to the documented key', (rawKey, expected) => {
    // Act
    const decoded = decodeS3EventKey(rawKey);

    // Assess
    expect(decoded).toBe(expected);
  });

  it.each([
    ['My Slides été.pptx', 'My+Slides+%C3%A9t%C3%A9.pptx'],
    ['C++ notes (1).pdf', 'C%2B%2B+notes+%281%29.pdf'],
    ['100% done.pdf', '100%25+done.pdf'],
    ['Q3 R&D = final.pptx', 'Q3+R%26D+%3D+final.pptx'],
    ['room-42/Präsentation – Q3.pptx', 'room-42/Pr%C3%A4sentation+%E2%80%93+Q3.pptx'],
  ])('test encoder writes %s as S3 does', (key, expected) => {
    // Act
    const encoded = encodeS3EventKey(key);

    // Assess
    expect(encoded).toBe(expected);
  });

  it('keeps an NFD key in NFD form', () => {
    // Prepare
    const nfdKey = 'rooms/r1/Re\u0301sume\u0301.pdf';
    const rawKey = encodeS3EventKey(nfdKey);

    // Act
    const decoded = decodeS3EventKey(rawKey);

    // Assess
    expect(decoded).toBe(nfdKey);
    expect(decoded).not.toBe(nfdKey.normalize('NFC'));
    expect(rawKey).toBe('rooms/r1/Re%CC%81sume%CC%81.pdf');
  });

  it('decodes only once when the key holds an encoded escape', () => {
    // Prepare: the stored key itself contains the text "%41".
    const rawKey = encodeS3EventKey('rooms/r1/%41.pdf');

    // Act
    const decoded = decodeS3EventKey(rawKey);

    // Assess
    expect(rawKey).toBe('rooms/r1/%2541.pdf');
    expect(decoded).toBe('rooms/r1/%41.pdf');
  });

  it.each(['100%+done.pdf', 'abc%2', '%G1.pdf', 'caf%C3.pdf', '%ED%A0%80.pdf'])(
    'throws InvalidInputError naming the raw key when it is %s',
    (rawKey) => {
      // Act
      const error = captureError(() => decodeS3EventKey(rawKey));

      // Assess
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', facts: { key: rawKey } });
    },
  );
});
