import { InvalidInputError } from './errors';

/** The rule plugNmeet's Create Room applies to `room_id`; no room with another id can exist. */
const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Checks a room id against plugNmeet's rule (ASCII letters, digits, `-` and `_`).
 *
 * @returns the id, unchanged; ids are case-sensitive
 * @throws {InvalidInputError} naming the value and the rule
 */
export function validateRoomId(roomId: unknown): string {
  if (typeof roomId !== 'string' || !ROOM_ID_PATTERN.test(roomId)) {
    throw new InvalidInputError(
      `Invalid room id ${JSON.stringify(roomId)}: plugNmeet room ids contain only ASCII letters, digits, '-' and '_'.`,
    );
  }
  return roomId;
}
