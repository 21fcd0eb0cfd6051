import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FILE_BYTES, loadConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

const minimal = {
  PLUGNMEET_SERVER_URL: 'https://pnm.example.test/',
  PLUGNMEET_API_KEY: 'key',
  PLUGNMEET_API_SECRET: 'secret',
  BRIDGE_API_KEY: 'bridge-key',
  BRIDGE_API_SECRET: 'bridge-secret',
  LINK_BASE_URL: 'https://api.example.test/links',
  LINK_SIGNING_SECRET: 'link-secret',
  ALLOWED_BUCKETS: 'uploads, archive',
};

function configErrorMessage(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    // Act
    const config = loadConfig(minimal);

    // Assess
    expect(config.plugnmeet.serverUrl).toBe('https://pnm.example.test');
    expect(config.s3.allowedBuckets).toStrictEqual(['uploads', 'archive']);
    expect(config.s3.defaultBucket).toBe('uploads');
    expect(config.files.maxBytes).toBe(DEFAULT_MAX_FILE_BYTES);
    expect(config.files.allowedTypes).toStrictEqual(['pdf', 'docx', 'pptx', 'xlsx', 'txt']);
    expect(config.link.mode).toBe('proxy');
    expect(config.upload.requirePresenter).toBe(false);
    expect(config.queue.roomKeyPattern).toBe('rooms/{roomId}/');
  });

  it.each(['PLUGNMEET_SERVER_URL', 'PLUGNMEET_API_KEY', 'BRIDGE_API_KEY', 'ALLOWED_BUCKETS', 'LINK_BASE_URL'])('names a missing %s', (name) => {
    expect(configErrorMessage({ ...minimal, [name]: undefined })).toContain(name);
  });

  it('names both ways to give a missing secret', () => {
    // Act
    const message = configErrorMessage({ ...minimal, PLUGNMEET_API_SECRET: undefined });

    // Assess
    expect(message).toContain('PLUGNMEET_API_SECRET');
    expect(message).toContain('PLUGNMEET_API_SECRET_PARAM');
  });

  it('reads a secret as an SSM parameter name', () => {
    const config = loadConfig({ ...minimal, LINK_SIGNING_SECRET: undefined, LINK_SIGNING_SECRET_PARAM: '/pnm/link' });
    expect(config.link.signingSecret).toStrictEqual({ parameterName: '/pnm/link' });
  });

  it.each([
    ['MAX_FILE_BYTES', '30MB'],
    ['MAX_FILE_BYTES', '-1'],
    ['UPLOAD_TIMEOUT_MS', '1.5'],
    ['REQUIRE_PRESENTER', 'yes'],
    ['LINK_MODE', 'cloudfront'],
    ['PLUGNMEET_SERVER_URL', 'pnm.example.test'],
    ['ROOM_KEY_PATTERN', 'rooms/'],
    ['BUCKET_REGIONS', 'uploads'],
  ])('rejects %s=%s and names it', (name, value) => {
    expect(configErrorMessage({ ...minimal, [name]: value })).toContain(name);
  });

  it('accepts the optional file types and rejects images', () => {
    expect(loadConfig({ ...minimal, ALLOWED_FILE_TYPES: 'pdf,.ODP, csv' }).files.allowedTypes).toStrictEqual(['pdf', 'odp', 'csv']);
    expect(configErrorMessage({ ...minimal, ALLOWED_FILE_TYPES: 'pdf,png' })).toContain("'png'");
  });

  it('lets the presigned link mode go without a link base URL', () => {
    expect(loadConfig({ ...minimal, LINK_MODE: 'presigned', LINK_BASE_URL: undefined }).link.mode).toBe('presigned');
  });
});
