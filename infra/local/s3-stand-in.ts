import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** Access key pair the local S3 stand-in accepts, besides its built-in S3RVER/S3RVER. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** An S3 notification as the stand-in emits it: keys are raw, not URL-encoded as real S3 sends them. */
export interface StandInS3Event {
  Records: Array<{
    eventName: string;
    awsRegion: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string; versionId?: string } };
  }>;
}

/**
 * Builds an S3 client for the stand-in: path-style requests and the stand-in's key pair. Checksums
 * are off (`WHEN_REQUIRED`), because the stand-in stores a streamed body with the SDK's checksum
 * framing and rejects it.
 */
export function createLocalS3Client(endpoint: string, region: string): S3Client {
  return new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface S3StandIn {
  endpoint: string;
  port: number;
  /** Registers a listener for the stand-in's S3 notifications. */
  onEvent(listener: (event: StandInS3Event) => void): void;
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: StandInS3Event) => void): void;
}

/**
 * Starts `@20minutes/s3rver` on 127.0.0.1: a local S3 that checks SigV4 signatures, including
 * those of presigned URLs, and emits S3 notifications. Its data lives in a fresh temporary folder
 * unless `directory` is given.
 *
 * The repository patches the stand-in (patches/ folder, applied by patch-package on install) so
 * that it canonicalizes presigned query values with RFC 3986 encoding as real S3 does; without
 * the patch it rejects a signed `filename*=UTF-8''…` disposition.
 */
export async function startS3StandIn(options: { buckets: string[]; port?: number; directory?: string }): Promise<S3StandIn> {
  const S3rver = require('@20minutes/s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
  const account = require('@20minutes/s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  account.DUMMY_ACCOUNT.createKeyPair(LOCAL_S3_CREDENTIALS.accessKeyId, LOCAL_S3_CREDENTIALS.secretAccessKey);

  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'pnm-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    // The stand-in rejects bucket-level requests from the newest SDK (it drops the trailing slash
    // when it canonicalizes `/<bucket>/`), so buckets are created here rather than with CreateBucket.
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    onEvent: (listener) => server.on('event', listener),
    stop: async () => {
      await server.close();
      if (ownDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}
