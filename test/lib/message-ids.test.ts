import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDeduplicationId, toMessageGroupId } from '../../lib/message-ids';

/** SQS's rule for group and deduplication ids. */
const SQS_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

const plugNmeetRoomId = fc.stringMatching(/^[A-Za-z0-9_-]{1,300}$/);
const anyRoomId = fc.oneof(plugNmeetRoomId, fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary' }));

describe('toMessageGroupId', () => {
  it('returns an SQS-valid id for any room id', () => {
    fc.assert(
      fc.property(anyRoomId, (roomId) => {
        // Act
        const groupId = toMessageGroupId(roomId);

        // Assess
        expect(groupId).toMatch(SQS_ID);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a plugNmeet room id of up to 128 characters as it is', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/), (roomId) => {
        // Act
        const groupId = toMessageGroupId(roomId);

        // Assess
        expect(groupId).toBe(roomId);
      }),
    );
  });

  it('maps distinct room ids to distinct groups', () => {
    fc.assert(
      fc.property(anyRoomId, anyRoomId, (first, second) => {
        // Prepare
        fc.pre(first !== second);

        // Act
        const groups = [toMessageGroupId(first), toMessageGroupId(second)];

        // Assess
        expect(groups[0]).not.toBe(groups[1]);
      }),
      { numRuns: 500 },
    );
  });

  it('separates long room ids that share their first 128 characters', () => {
    // Prepare
    const shared = 'a'.repeat(128);

    // Act
    const first = toMessageGroupId(`${shared}-1`);
    const second = toMessageGroupId(`${shared}-2`);

    // Assess
    expect(first).not.toBe(second);
    expect(first).toHaveLength(128);
    expect(first.startsWith('a'.repeat(63))).toBe(true);
  });

  it('separates any long room ids that differ after 128 characters', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{128}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,50}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,50}$/),
        (shared, firstTail, secondTail) => {
          // Prepare
          fc.pre(firstTail !== secondTail);

          // Act
          const first = toMessageGroupId(shared + firstTail);
          const second = toMessageGroupId(shared + secondTail);

          // Assess
          expect(first).not.toBe(second);
        },
      ),
    );
  });

  it('never maps a hashed id onto an id used as it is', () => {
    // Prepare
    const hashedIds = ['a'.repeat(129), 'room 1', '', 'räume'].map(toMessageGroupId);

    // Act
    const readableLooking = hashedIds.filter((groupId) => /^[A-Za-z0-9_-]+$/.test(groupId));

    // Assess
    expect(readableLooking).toStrictEqual([]);
  });
});

describe('toDeduplicationId', () => {
  const base = { roomId: 'r1', bucket: 'uploads', key: 'rooms/r1/deck.pdf' };

  it('returns an SQS-valid id for any parts', () => {
    fc.assert(
      fc.property(
        fc.record({
          roomId: anyRoomId,
          bucket: fc.string(),
          key: fc.string({ unit: 'grapheme', maxLength: 1024 }),
          versionId: fc.option(fc.string(), { nil: undefined }),
          sequencer: fc.option(fc.string(), { nil: undefined }),
          etag: fc.option(fc.string(), { nil: undefined }),
        }),
        (parts) => {
          // Act
          const id = toDeduplicationId(parts);

          // Assess
          expect(id).toMatch(SQS_ID);
        },
      ),
    );
  });

  it('returns the same id for a duplicated event', () => {
    // Prepare
    const event = { ...base, sequencer: '0055AED6DCD90281E5', etag: 'd41d8cd98f00b204e9800998ecf8427e' };

    // Act
    const first = toDeduplicationId(event);
    const second = toDeduplicationId({ ...event });

    // Assess
    expect(first).toBe(second);
  });

  it.each([
    ['a new version id', { versionId: 'v1' }, { versionId: 'v2' }],
    ['a new sequencer', { sequencer: '0055AED6DCD90281E5' }, { sequencer: '0055AED6DCD90281E6' }],
    ['a new ETag', { etag: 'aaa' }, { etag: 'bbb' }],
    ['a new sequencer with the same ETag', { sequencer: '01', etag: 'aaa' }, { sequencer: '02', etag: 'aaa' }],
    ['a new nonce', { nonce: 'request-1' }, { nonce: 'request-2' }],
    ['another room', { roomId: 'r1' }, { roomId: 'r2' }],
    ['another bucket', { bucket: 'a' }, { bucket: 'b' }],
  ])('returns a new id for %s', (_case, first, second) => {
    // Act
    const firstId = toDeduplicationId({ ...base, ...first });
    const secondId = toDeduplicationId({ ...base, ...second });

    // Assess
    expect(firstId).not.toBe(secondId);
  });

  it('prefers the version id over the sequencer and the ETag', () => {
    // Act
    const first = toDeduplicationId({ ...base, versionId: 'v1', sequencer: '01', etag: 'aaa' });
    const second = toDeduplicationId({ ...base, versionId: 'v1', sequencer: '02', etag: 'bbb' });

    // Assess
    expect(first).toBe(second);
  });

  it('keeps a version id and an ETag of equal text apart', () => {
    // Act
    const byVersion = toDeduplicationId({ ...base, versionId: 'abc' });
    const byEtag = toDeduplicationId({ ...base, etag: 'abc' });

    // Assess
    expect(byVersion).not.toBe(byEtag);
  });

  it('reads a quoted ETag as the bare one', () => {
    // Act
    const quoted = toDeduplicationId({ ...base, etag: '"abc"' });
    const bare = toDeduplicationId({ ...base, etag: 'abc' });

    // Assess
    expect(quoted).toBe(bare);
  });

  it('ignores the version id null and falls back to the sequencer', () => {
    // Act
    const first = toDeduplicationId({ ...base, versionId: 'null', sequencer: '01' });
    const second = toDeduplicationId({ ...base, versionId: 'null', sequencer: '02' });

    // Assess
    expect(first).not.toBe(second);
  });
});
