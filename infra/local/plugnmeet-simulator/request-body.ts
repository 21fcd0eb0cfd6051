import type { IncomingMessage } from 'node:http';

/** The whole request body, or `tooLarge` once it passes `limit` bytes. */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true } | { ok: false; tooLarge: false };

/**
 * Reads the request body into memory as fasthttp does (no streaming), stopping at `limit` bytes.
 * A declared Content-Length over the limit fails before any byte is read.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, tooLarge: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () => resolve({ ok: false, tooLarge: false }));
    req.on('aborted', () => resolve({ ok: false, tooLarge: false }));
  });
}
