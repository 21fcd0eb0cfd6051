import { ConfigError, InvalidInputError } from './errors';
import { validateRoomId } from './room-id';

const ROOM_PLACEHOLDER = '{roomId}';

/**
 * Outcome of matching a decoded S3 key against the room key pattern: the room id, or the reason
 * the key names no room. Callers log the reason and skip the object.
 */
export type RoomKeyMatch = { roomId: string } | { skip: string };

interface PatternParts {
  prefix: string;
  /** The literal after `{roomId}`; `/` when the pattern ends with the placeholder. */
  suffix: string;
}

function splitPattern(pattern: string): PatternParts {
  const parts = pattern.split(ROOM_PLACEHOLDER);
  if (parts.length !== 2) {
    throw new ConfigError(`Invalid setting ROOM_KEY_PATTERN=${JSON.stringify(pattern)}: it must contain {roomId} once.`);
  }
  const [prefix = '', suffix = ''] = parts;
  return { prefix, suffix: suffix === '' ? '/' : suffix };
}

/**
 * Finds the room a decoded S3 key belongs to. The room segment is the text between the pattern's
 * prefix and the first occurrence of the literal that follows `{roomId}`, and it never spans a
 * `/`. A pattern that ends with `{roomId}` behaves as if it ended with `{roomId}/`. The key must
 * name something after the pattern (a file), so the room's folder itself names no room.
 *
 * @example
 * matchRoomKey('uploads/{roomId}/incoming/', 'uploads/math-101/incoming/week 1.pdf'); // { roomId: 'math-101' }
 * matchRoomKey('rooms/{roomId}/', 'rooms/math 101/week 1.pdf'); // { skip: 'room segment "math 101" is not a valid plugNmeet room id' }
 *
 * @param pattern - the key layout, for example `rooms/{roomId}/` (`ROOM_KEY_PATTERN`)
 * @param key - the decoded S3 key
 * @returns `{ roomId }` for a key inside the pattern whose room segment is a valid plugNmeet
 *   room id, else `{ skip }` with the reason
 * @throws {ConfigError} when the pattern does not contain `{roomId}` exactly once
 */
export function matchRoomKey(pattern: string, key: string): RoomKeyMatch {
  const { prefix, suffix } = splitPattern(pattern);
  const outside = { skip: `key is outside the room key pattern ${pattern}` };
  if (!key.startsWith(prefix)) return outside;

  const rest = key.slice(prefix.length);
  const segmentEnd = rest.indexOf(suffix);
  if (segmentEnd < 0) return outside;
  const segment = rest.slice(0, segmentEnd);
  if (segment.includes('/')) return outside;
  if (rest.length === segmentEnd + suffix.length) {
    return { skip: 'key names the room folder itself, not a file in it' };
  }

  try {
    return { roomId: validateRoomId(segment) };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { skip: `room segment ${JSON.stringify(segment)} is not a valid plugNmeet room id` };
  }
}

/**
 * Returns the room id a decoded S3 key belongs to, or `undefined` when the key names no room.
 * Use {@link matchRoomKey} to learn why a key was not matched.
 *
 * @param pattern - the key layout, for example `rooms/{roomId}/`
 * @param key - the decoded S3 key
 * @throws {ConfigError} when the pattern does not contain `{roomId}` exactly once
 */
export function roomFromKey(pattern: string, key: string): string | undefined {
  const match = matchRoomKey(pattern, key);
  return 'roomId' in match ? match.roomId : undefined;
}
