import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDocumentLink } from '../lib/document-link';
import { RoomBusyError } from '../lib/errors';
import type { Runtime } from '../lib/runtime';
import type { S3ObjectInfo } from '../lib/s3-object';

/** How the naive uploader retries. */
export interface NaiveUploaderOptions {
  /** Fixed wait before each new attempt after a 409 or any other failure, in milliseconds. */
  retrySleepMs: number;
  /** Attempts per file before it gives up. */
  maxAttempts: number;
  /** Time one upload request may take, in milliseconds. */
  uploadTimeoutMs: number;
}

/** An object the naive uploader was told about, as a naive S3 event handler would see it. */
export interface NaiveFile {
  roomId: string;
  bucket: string;
  key: string;
  etag: string;
  size: number;
}

export interface NaiveOutcome {
  delivered: boolean;
  attempts: number;
  conflicts: number;
  /** The last error's message when the file was not delivered. */
  lastError?: string;
}

/**
 * The comparison point for the bridge: what a straightforward S3-event handler would do. Every
 * file is sent as soon as it is written, with no queue and no per-room order. Each attempt gets a
 * fresh signed link to the bridge's own link endpoint (the same HEAD and GET handling, so only
 * the scheduling differs), and after a 409 or any other failure it sleeps a fixed time and tries
 * again.
 */
export async function deliverNaively(runtime: Runtime, file: NaiveFile, options: NaiveUploaderOptions): Promise<NaiveOutcome> {
  // A naive handler trusts the event: no HeadObject, the type taken from the key.
  const object: S3ObjectInfo = {
    bucket: file.bucket,
    key: file.key,
    etag: file.etag,
    size: file.size,
    fileType: 'pdf',
    contentType: 'application/pdf',
    metadata: {},
  };
  const linkSigningSecret = await runtime.getSecret('linkSigningSecret');
  const client = await runtime.getClient();
  let conflicts = 0;
  let lastError = '';
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    try {
      const link = await createDocumentLink(runtime.config, { linkSigningSecret }, object, file.roomId, randomUUID());
      await client.uploadWhiteboardFile(file.roomId, link.url, { timeoutMs: options.uploadTimeoutMs });
      return { delivered: true, attempts: attempt, conflicts };
    } catch (error) {
      if (error instanceof RoomBusyError) conflicts += 1;
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(options.retrySleepMs);
  }
  return { delivered: false, attempts: options.maxAttempts, conflicts, lastError };
}
