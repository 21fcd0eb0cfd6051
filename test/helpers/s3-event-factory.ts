import { randomBytes } from 'node:crypto';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { StandInS3Event } from '../../infra/local/s3-stand-in';

/** ASCII characters the encoder leaves as they are; every other byte is percent-encoded. */
const LITERAL_CHARACTER = /^[A-Za-z0-9._\-/]$/;

/**
 * Encodes a key as S3 writes it into event notifications: form-urlencoded, so a space becomes `+`,
 * a literal `+` becomes `%2B`, non-ASCII characters become their UTF-8 bytes in uppercase percent
 * escapes, and `/` stays as it is. This matches every encoded key in AWS's notification docs
 * (`%28`, `%29`, `%3A`, `%3D`, `%26`, `%2B`, `%25`).
 *
 * NOTE: real S3 may leave a few more ASCII marks (such as `*`) unencoded; a correct decoder reads
 * both forms the same.
 */
export function encodeS3EventKey(key: string): string {
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const character = String.fromCharCode(byte);
    if (character === ' ') encoded += '+';
    else if (LITERAL_CHARACTER.test(character)) encoded += character;
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Fields of an S3 notification record a test may set; the key is given decoded. */
export interface S3EventRecordOverrides {
  bucket?: string;
  eventName?: string;
  eventTime?: string;
  size?: number;
  eTag?: string;
  versionId?: string;
  sequencer?: string;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * Builds one S3 notification record for a decoded key, encoding the key as real S3 does. Each
 * record gets a fresh random ETag and sequencer unless the test sets them, so two records for the
 * same key look like two uploads.
 */
export function s3EventRecordFactory(key: string, overrides: S3EventRecordOverrides = {}): S3EventRecord {
  const bucket = overrides.bucket ?? 'uploads';
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: overrides.eventTime ?? new Date().toISOString(),
    eventName: overrides.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:TESTPRINCIPAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': randomHex(8).toUpperCase(), 'x-amz-id-2': randomHex(16) },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'room-uploads',
      bucket: { name: bucket, ownerIdentity: { principalId: 'TESTOWNER' }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: encodeS3EventKey(key),
        size: overrides.size ?? 1024,
        eTag: overrides.eTag ?? randomHex(16),
        ...(overrides.versionId === undefined ? {} : { versionId: overrides.versionId }),
        sequencer: overrides.sequencer ?? randomHex(9).toUpperCase(),
      },
    },
  };
}

/** Wraps records into the event S3 sends to a Lambda function. */
export function s3EventFactory(...records: S3EventRecord[]): S3Event {
  return { Records: records };
}

/** Builds the `s3:TestEvent` S3 sends when a notification configuration is applied: it has no Records. */
export function s3TestEventFactory(bucket = 'uploads'): Record<string, string> {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date().toISOString(),
    Bucket: bucket,
    RequestId: randomHex(8).toUpperCase(),
    HostId: randomHex(16),
  };
}

/**
 * Converts an event of the local S3 stand-in into the form real S3 sends: the stand-in writes keys
 * raw, so each key is encoded. Everything else is kept.
 */
export function toRealS3Event(event: StandInS3Event): StandInS3Event {
  return {
    Records: event.Records.map((record) => ({
      ...record,
      s3: { ...record.s3, object: { ...record.s3.object, key: encodeS3EventKey(record.s3.object.key) } },
    })),
  };
}
