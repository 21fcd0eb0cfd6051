/**
 * Classification of the errors Node's `fetch` (undici) throws when no HTTP response arrives. It
 * rejects with `TypeError: fetch failed` whose `cause` is the socket, DNS or TLS error, or with the
 * signal's `TimeoutError` when `AbortSignal.timeout` fires.
 */

/** Error codes of failures that happen before a connection exists, so before any request byte is sent. */
const BEFORE_SENDING_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** System calls whose failure means the connection was never established. */
const BEFORE_SENDING_SYSCALLS = new Set(['connect', 'getaddrinfo']);

interface ErrorDetails {
  message: string;
  code: string | undefined;
  syscall: string | undefined;
}

/** Lists `error` and its causes, outermost first, at most a few levels deep. */
function listCauses(error: unknown): ErrorDetails[] {
  const chain: ErrorDetails[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const { code, syscall } = current as Error & { code?: unknown; syscall?: unknown };
    chain.push({
      message: current.message,
      code: typeof code === 'string' ? code : undefined,
      syscall: typeof syscall === 'string' ? syscall : undefined,
    });
    current = current.cause;
  }
  return chain;
}

/** Tells whether `error` is the timeout signal firing, while waiting for headers or reading the body. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/**
 * Tells whether a fetch failure happened before the request could have been sent: DNS lookup,
 * TCP connect and TLS handshake failures. Anything else, a timeout included, may have happened
 * after the server received the request.
 */
export function isFailureBeforeSending(error: unknown): boolean {
  if (isTimeout(error)) return false;
  return listCauses(error).some(
    ({ message, code, syscall }) =>
      (code !== undefined && BEFORE_SENDING_CODES.has(code)) ||
      (syscall !== undefined && BEFORE_SENDING_SYSCALLS.has(syscall)) ||
      // OpenSSL and Node TLS errors (ERR_SSL_*, ERR_TLS_*, CERT_HAS_EXPIRED, ...) end the
      // handshake, and the request is written only after the handshake.
      (code !== undefined && /^ERR_(SSL|TLS)_|CERT/.test(code)) ||
      message.includes('before secure TLS connection was established'),
  );
}

/** Describes a fetch failure in one phrase for messages and logs, for example `connect ECONNREFUSED 127.0.0.1:8080`. */
export function describeTransportFailure(error: unknown, timeoutMs: number): string {
  if (isTimeout(error)) return `no response within ${timeoutMs} ms`;
  const chain = listCauses(error);
  const innermost = chain[chain.length - 1];
  if (!innermost) return String(error);
  const message = innermost.message.trim();
  return innermost.code && !message.includes(innermost.code) ? `${message} (${innermost.code})` : message;
}
