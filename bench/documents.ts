import { createHash } from 'node:crypto';

/**
 * Builds a minimal PDF whose bytes contain `label`, so every benchmark file has its own SHA-256
 * and the simulator's upload records can be matched to files by hash. It has the `%PDF-` header
 * the server's sniffing needs and a page object, which the simulator's page count looks for.
 */
export function makeLabelledPdf(label: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n% ${label}\n%%EOF\n`, 'utf8');
}

/** Returns the lowercase hex SHA-256 of `bytes`, as the simulator records it. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
