import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidLinkTokenError } from '../../lib/errors';
import { signLinkToken, verifyLinkToken, type LinkClaims } from '../../lib/link-token';

const SECRET = 'link-signing-secret-for-tests';
const NOW = 1_800_000_000;

function linkClaimsFactory(overrides: Partial<LinkClaims> = {}): LinkClaims {
  return {
    bucket: 'uploads',
    key: 'rooms/room-1/Q3 slides (final).pptx',
    versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
    etag: '9b2cf535f27731c974343645a3985328',
    roomId: 'room-1',
    deliveryId: 'message-1',
    filename: 'Q3 slides (final)-k3f9a2bq.pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    size: 48_213,
    exp: NOW + 900,
    ...overrides,
  };
}

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function expectInvalidToken(action: () => unknown): void {
  const error = catchError(action);
  expect(error).toBeInstanceOf(InvalidLinkTokenError);
  expect((error as InvalidLinkTokenError).code).toBe('LINK_TOKEN_INVALID');
}

/** Replaces one character of `text` at `index` with another token character. */
function replaceCharacter(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('signLinkToken', () => {
  it('makes a URL-safe token', () => {
    // Act
    const token = signLinkToken(linkClaimsFactory({ key: 'rooms/r1/ü/?#&+=.pdf' }), SECRET);

    // Assess
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token).not.toMatch(/[/+=]/);
  });

  it('rejects an empty secret', () => {
    // Act
    const error = catchError(() => signLinkToken(linkClaimsFactory(), ''));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
  });

  it.each([
    ['a fractional size', { size: 1.5 }],
    ['a negative size', { size: -1 }],
    ['a fractional expiry', { exp: NOW + 0.5 }],
  ])('rejects %s', (_case, overrides) => {
    // Act and Assess
    expect(() => signLinkToken(linkClaimsFactory(overrides), SECRET)).toThrow(/whole numbers/);
  });
});

describe('verifyLinkToken', () => {
  it('returns the claims of a valid token', () => {
    // Prepare
    const claims = linkClaimsFactory();

    // Act
    const verified = verifyLinkToken(signLinkToken(claims, SECRET), SECRET, NOW);

    // Assess
    expect(verified).toStrictEqual(claims);
  });

  it('returns claims without version and ETag when the token has none', () => {
    // Prepare
    const { versionId: _versionId, etag: _etag, ...claims } = linkClaimsFactory();

    // Act
    const verified = verifyLinkToken(signLinkToken(claims, SECRET), SECRET, NOW);

    // Assess
    expect(verified).toStrictEqual(claims);
  });

  it('accepts a token one second before it expires', () => {
    // Prepare
    const token = signLinkToken(linkClaimsFactory({ exp: NOW + 1 }), SECRET);

    // Act and Assess
    expect(verifyLinkToken(token, SECRET, NOW).exp).toBe(NOW + 1);
  });

  it('rejects a token at its expiry', () => {
    // Prepare
    const token = signLinkToken(linkClaimsFactory({ exp: NOW }), SECRET);

    // Act and Assess
    expectInvalidToken(() => verifyLinkToken(token, SECRET, NOW));
  });

  it('rejects a token signed with another secret', () => {
    // Prepare
    const token = signLinkToken(linkClaimsFactory(), 'another-secret');

    // Act and Assess
    expectInvalidToken(() => verifyLinkToken(token, SECRET, NOW));
  });

  it.each([
    ['bucket', { bucket: 'other-bucket' }],
    ['key', { key: 'rooms/room-1/other.pptx' }],
    ['versionId', { versionId: 'other-version' }],
    ['etag', { etag: '00000000000000000000000000000000' }],
    ['roomId', { roomId: 'room-2' }],
    ['deliveryId', { deliveryId: 'message-2' }],
    ['filename', { filename: 'other-aaaaaaaa.pptx' }],
    ['contentType', { contentType: 'application/pdf' }],
    ['size', { size: 1 }],
    ['exp', { exp: NOW + 86_400 }],
  ])('rejects a token whose %s was changed after signing', (_claim, change) => {
    // Prepare
    const [, mac] = signLinkToken(linkClaimsFactory(), SECRET).split('.');
    const [forgedPayload] = signLinkToken(linkClaimsFactory(change), SECRET).split('.');

    // Act and Assess
    expectInvalidToken(() => verifyLinkToken(`${forgedPayload}.${mac}`, SECRET, NOW));
  });

  it('rejects a token with one character of its payload changed', () => {
    // Prepare
    const token = signLinkToken(linkClaimsFactory(), SECRET);

    // Act and Assess
    expectInvalidToken(() => verifyLinkToken(replaceCharacter(token, 10), SECRET, NOW));
  });

  it('rejects a token with one character of its MAC changed', () => {
    // Prepare
    const token = signLinkToken(linkClaimsFactory(), SECRET);

    // Act and Assess
    expectInvalidToken(() => verifyLinkToken(replaceCharacter(token, token.length - 5), SECRET, NOW));
  });

  it.each([
    ['an empty token', ''],
    ['a token without a dot', 'abcdef'],
    ['a token with three parts', 'a.b.c'],
    ['a token with a short MAC', 'eyJ9.abc'],
    ['a token with padding', `${'a'.repeat(20)}.${'b'.repeat(42)}=`],
    ['a token with a slash', `a/b.${'b'.repeat(43)}`],
    ['an overlong token', `${'a'.repeat(9000)}.${'b'.repeat(43)}`],
  ])('rejects %s', (_case, token) => {
    // Act and Assess
    expectInvalidToken(() => verifyLinkToken(token, SECRET, NOW));
  });

  it('never puts the token into its error message', () => {
    // Prepare
    const token = signLinkToken(linkClaimsFactory({ exp: NOW - 1 }), SECRET);

    // Act
    const error = catchError(() => verifyLinkToken(token, SECRET, NOW)) as Error;

    // Assess
    expect(error.message).not.toContain(token.split('.')[0]!.slice(0, 20));
    expect(error.message).not.toContain(token.split('.')[1]);
  });

  it('returns every claim it signed', () => {
    // Prepare
    const text = fc.string({ unit: 'binary' });
    const claimsArbitrary = fc.record(
      {
        bucket: text,
        key: text,
        versionId: text,
        etag: text,
        roomId: text,
        deliveryId: text,
        filename: text,
        contentType: text,
        size: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        exp: fc.integer({ min: NOW + 1, max: NOW + 604_800 }),
      },
      { requiredKeys: ['bucket', 'key', 'roomId', 'deliveryId', 'filename', 'contentType', 'size', 'exp'] },
    );

    // Act and Assess
    fc.assert(
      fc.property(claimsArbitrary, (claims) => {
        // fast-check builds records without a prototype, which toStrictEqual distinguishes from a plain object.
        expect(verifyLinkToken(signLinkToken(claims, SECRET), SECRET, NOW)).toStrictEqual({ ...claims });
      }),
    );
  });
});
