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

  it.each(['PLUGNMEET_API_SECRET', 'BRIDGE_API_SECRET', 'LINK_SIGNING_SECRET'])('rejects a blank %s and names it', (name) => {
    // Act
    const message = configErrorMessage({ ...minimal, [name]: '   ' });

    // Assess
    expect(message).toContain(name);
  });

  it('keeps a secret with surrounding spaces as given', () => {
    // Act
    const config = loadConfig({ ...minimal, BRIDGE_API_SECRET: ' bridge secret ' });

    // Assess
    expect(config.api.apiSecret).toStrictEqual({ value: ' bridge secret ' });
  });

  it.each(['0x3e8', '1.5e3', '1e3', '0b1111101000', '+1000', '1_000', '1000.0', '１０００'])('rejects UPLOAD_TIMEOUT_MS=%s', (value) => {
    expect(configErrorMessage({ ...minimal, UPLOAD_TIMEOUT_MS: value })).toContain('UPLOAD_TIMEOUT_MS');
  });

  it('reads a number of plain decimal digits', () => {
    // Act
    const config = loadConfig({ ...minimal, UPLOAD_TIMEOUT_MS: ' 01500 ' });

    // Assess
    expect(config.upload.timeoutMs).toBe(1500);
  });

  it.each([
    ['PLUGNMEET_SERVER_URL', 'https://pnm.example.test/?tenant=a'],
    ['PLUGNMEET_SERVER_URL', 'https://pnm.example.test/#api'],
    ['PLUGNMEET_SERVER_URL', 'https://pnm.example.test/?'],
    ['LINK_BASE_URL', 'https://api.example.test/links?stage=prod'],
    ['LINK_BASE_URL', 'https://api.example.test/links#'],
  ])('rejects %s=%s with a query or fragment', (name, value) => {
    expect(configErrorMessage({ ...minimal, [name]: value })).toContain(name);
  });

  it('rejects a default deadline beyond the maximum and names both', () => {
    // Act
    const message = configErrorMessage({ ...minimal, DEFAULT_DEADLINE_SECONDS: '7200', MAX_DEADLINE_SECONDS: '3600' });

    // Assess
    expect(message).toContain('DEFAULT_DEADLINE_SECONDS');
    expect(message).toContain('MAX_DEADLINE_SECONDS');
  });

  it('accepts a default deadline equal to the maximum', () => {
    // Act
    const config = loadConfig({ ...minimal, DEFAULT_DEADLINE_SECONDS: '3600', MAX_DEADLINE_SECONDS: '3600' });

    // Assess
    expect(config.queue.defaultDeadlineSeconds).toBe(3600);
    expect(config.queue.maxDeadlineSeconds).toBe(3600);
  });

  it.each([
    ['BUSY_BACKOFF_BASE_SECONDS', 'BUSY_BACKOFF_CAP_SECONDS'],
    ['ROOM_WAIT_BACKOFF_BASE_SECONDS', 'ROOM_WAIT_BACKOFF_CAP_SECONDS'],
  ])('rejects %s above %s and names both', (base, cap) => {
    // Act
    const message = configErrorMessage({ ...minimal, [base]: '30', [cap]: '20' });

    // Assess
    expect(message).toContain(base);
    expect(message).toContain(cap);
  });

  it('rejects a back-off cap set below the default base', () => {
    // Act
    const message = configErrorMessage({ ...minimal, ROOM_WAIT_BACKOFF_CAP_SECONDS: '10' });

    // Assess
    expect(message).toContain('ROOM_WAIT_BACKOFF_BASE_SECONDS');
    expect(message).toContain('ROOM_WAIT_BACKOFF_CAP_SECONDS');
  });

  it('accepts a back-off whose base equals its cap', () => {
    // Act
    const config = loadConfig({ ...minimal, BUSY_BACKOFF_BASE_SECONDS: '5', BUSY_BACKOFF_CAP_SECONDS: '5' });

    // Assess
    expect(config.backoff.busyBaseSeconds).toBe(5);
    expect(config.backoff.busyCapSeconds).toBe(5);
  });
});
