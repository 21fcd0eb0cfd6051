import type { S3Event } from 'aws-lambda';
import type { S3StandIn, StandInS3Event } from './s3-stand-in';

/**
 * Encodes a key the way S3 writes it into event notifications: form-urlencoded, so a space becomes
 * `+`, a literal `+` becomes `%2B`, other reserved and non-ASCII characters are percent-encoded
 * (UTF-8), and `/` stays as it is.
 */
export function encodeKeyAsS3Event(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

/** Rewrites a stand-in notification into the shape real S3 sends. */
export function toRealS3Event(event: StandInS3Event, region: string): S3Event {
  return {
    Records: event.Records.map((record) => ({
      ...record,
      eventVersion: '2.1',
      awsRegion: region,
      s3: {
        ...record.s3,
        object: { ...record.s3.object, key: encodeKeyAsS3Event(record.s3.object.key) },
      },
    })),
  } as unknown as S3Event;
}

export interface S3NotifierOptions {
  s3: S3StandIn;
  region: string;
  /** Only this bucket's notifications are sent, as a notification configuration belongs to one bucket. */
  bucket: string;
  /** Only keys under this prefix are sent, like a notification's prefix filter rule. */
  prefix: string;
  handler: (event: S3Event) => Promise<unknown>;
  /** Called after the last failed try of an event. */
  onError?: (error: unknown, event: S3Event) => void;
}

/**
 * Forwards the S3 stand-in's `ObjectCreated` notifications to a handler, as S3 invokes a Lambda
 * asynchronously: keys encoded as real S3 encodes them, and two more tries after a failure.
 *
 * Events are handed over one at a time in the order of the writes, so files written one after
 * another reach the queue in that order. Real S3 makes no such promise across keys.
 */
export function startS3Notifier(options: S3NotifierOptions): void {
  const retryDelaysMs = [1_000, 2_000];
  let previous: Promise<void> = Promise.resolve();
  options.s3.onEvent((standInEvent) => {
    const wanted = {
      Records: standInEvent.Records.filter(
        (record) =>
          record.s3.bucket.name === options.bucket &&
          record.eventName.startsWith('ObjectCreated:') &&
          record.s3.object.key.startsWith(options.prefix),
      ),
    };
    if (wanted.Records.length === 0) return;
    const event = toRealS3Event(wanted, options.region);
    const attempt = async (): Promise<void> => {
      for (let retry = 0; ; retry++) {
        try {
          await options.handler(event);
          return;
        } catch (error) {
          const delay = retryDelaysMs[retry];
          if (delay === undefined) {
            options.onError?.(error, event);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    };
    previous = previous.then(attempt);
  });
}
