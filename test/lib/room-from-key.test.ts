import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import { matchRoomKey, roomFromKey } from '../../lib/room-from-key';

const DEFAULT_PATTERN = 'rooms/{roomId}/';
const CUSTOM_PATTERN = 'uploads/{roomId}/incoming/';

describe('roomFromKey', () => {
  it.each([
    ['rooms/math-101/week 1.pdf', 'math-101'],
    ['rooms/Room_A/sub/folder/deck.pptx', 'Room_A'],
    ['rooms/r1/C++ notes (1).pdf', 'r1'],
    ['rooms/r1/', undefined],
    ['rooms/r1', undefined],
    ['rooms/', undefined],
    ['other/r1/file.pdf', undefined],
    ['Rooms/r1/file.pdf', undefined],
    ['archive/rooms/r1/file.pdf', undefined],
    ['rooms//file.pdf', undefined],
    ['rooms/room 1/file.pdf', undefined],
    ['rooms/räume/file.pdf', undefined],
  ])('returns the room of %s with the default pattern', (key, expected) => {
    // Act
    const roomId = roomFromKey(DEFAULT_PATTERN, key);

    // Assess
    expect(roomId).toBe(expected);
  });

  it.each([
    ['uploads/math-101/incoming/week 1.pdf', 'math-101'],
    ['uploads/math-101/incoming/a/b.pdf', 'math-101'],
    ['uploads/math-101/incoming/', undefined],
    ['uploads/math-101/outgoing/week 1.pdf', undefined],
    ['uploads/math-101/extra/incoming/week 1.pdf', undefined],
    ['uploads/math-101/week 1.pdf', undefined],
    ['rooms/math-101/week 1.pdf', undefined],
  ])('returns the room of %s with a custom pattern', (key, expected) => {
    // Act
    const roomId = roomFromKey(CUSTOM_PATTERN, key);

    // Assess
    expect(roomId).toBe(expected);
  });

  it('stops the room segment at the literal after the placeholder', () => {
    // Act
    const roomId = roomFromKey('rooms/room-{roomId}.files/', 'rooms/room-a_b.files/deck.pdf');

    // Assess
    expect(roomId).toBe('a_b');
  });

  it('treats a pattern ending in the placeholder as ending in a slash', () => {
    // Act
    const inside = roomFromKey('rooms/{roomId}', 'rooms/r1/deck.pdf');
    const folder = roomFromKey('rooms/{roomId}', 'rooms/r1/');

    // Assess
    expect(inside).toBe('r1');
    expect(folder).toBeUndefined();
  });

  it('matches a key that contains regular expression characters literally', () => {
    // Act
    const matched = roomFromKey('in(1)/{roomId}/', 'in(1)/r1/deck.pdf');
    const unmatched = roomFromKey('in(1)/{roomId}/', 'in1/r1/deck.pdf');

    // Assess
    expect(matched).toBe('r1');
    expect(unmatched).toBeUndefined();
  });

  it('throws ConfigError when the pattern lacks the placeholder', () => {
    // Act
    const act = () => roomFromKey('rooms/', 'rooms/r1/deck.pdf');

    // Assess
    expect(act).toThrow(ConfigError);
  });
});

describe('matchRoomKey', () => {
  it('returns the room id for a file in a room folder', () => {
    // Act
    const match = matchRoomKey(DEFAULT_PATTERN, 'rooms/r1/deck.pdf');

    // Assess
    expect(match).toStrictEqual({ roomId: 'r1' });
  });

  it('names the pattern when the key is outside it', () => {
    // Act
    const match = matchRoomKey(DEFAULT_PATTERN, 'other/r1/deck.pdf');

    // Assess
    expect(match).toStrictEqual({ skip: 'key is outside the room key pattern rooms/{roomId}/' });
  });

  it('names the segment when the room id is invalid', () => {
    // Act
    const match = matchRoomKey(DEFAULT_PATTERN, 'rooms/room 1/deck.pdf');

    // Assess
    expect(match).toStrictEqual({ skip: 'room segment "room 1" is not a valid plugNmeet room id' });
  });

  it('skips the room folder itself', () => {
    // Act
    const match = matchRoomKey(CUSTOM_PATTERN, 'uploads/r1/incoming/');

    // Assess
    expect(match).toStrictEqual({ skip: 'key names the room folder itself, not a file in it' });
  });
});
