import { InvalidInputError } from './errors';

/**
 * Decodes the object key of an S3 event notification. S3 sends keys form-urlencoded: a space
 * arrives as `+`, a literal `+` as `%2B`, and other bytes as UTF-8 percent escapes. So every `+`
 * becomes a space first, and then the key is percent-decoded once as UTF-8.
 *
 * The result is not Unicode-normalized: S3 keys are byte strings, so an NFD key and its NFC form
 * name two different objects.
 *
 * @param rawKey - `Records[].s3.object.key` exactly as the event carries it
 * @returns the key as S3 stores it
 * @throws {InvalidInputError} when the key contains a malformed percent escape or escapes that
 *   are not valid UTF-8. The message and `facts.key` name the raw key.
 */
export function decodeS3EventKey(rawKey: string): string {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch (error) {
    throw new InvalidInputError(
      `Invalid S3 event key ${JSON.stringify(rawKey)}: it contains a malformed percent escape or bytes that are not UTF-8.`,
      { cause: error, facts: { key: rawKey } },
    );
  }
}
