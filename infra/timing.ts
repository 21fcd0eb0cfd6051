/**
 * Timing and sizing of the deployed bridge, in one place. serverless.yml reads these numbers through
 * `infra/timing.cjs` for the queue and function settings, and passes the worker's back-offs, lock TTL
 * and receive limit into its environment, where lib/config.ts reads them. So the queue settings, the
 * function timeouts and the retry code cannot drift apart. test/deploy/template.test.ts checks the
 * rules between the numbers and that the packaged template carries them.
 *
 * `infra/timing.cjs` bundles this file with esbuild, so it may import from lib/ as long as the
 * imports need no AWS SDK or environment at load time.
 */
import { computeBackoffSeconds, MAX_VISIBILITY_SECONDS, type BackoffPolicy } from '../lib/backoff';

// --- Limits set by other systems -------------------------------------------------------------

/** TTL of plugNmeet's per-room upload lock (Redis key `whiteboardUploadLock-<roomId>`); the server never refreshes it. */
export const LOCK_TTL_SECONDS = 300;

/** Maximum Lambda function timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** Maximum SQS visibility timeout (12 hours), also the maximum for ChangeMessageVisibility. */
export const SQS_MAX_VISIBILITY_TIMEOUT_SECONDS = MAX_VISIBILITY_SECONDS;

/** Maximum `maxReceiveCount` of an SQS redrive policy. */
export const SQS_MAX_RECEIVE_COUNT = 1000;

/** Integration timeout of an API Gateway HTTP API; osls sets it to this maximum for every route. */
export const HTTP_API_INTEGRATION_TIMEOUT_SECONDS = 30;

// --- Worker ----------------------------------------------------------------------------------

/**
 * Worker function timeout: the Lambda maximum. plugNmeet sends its response to `uploadWhiteboardFile`
 * only after it has downloaded the file (up to 3 minutes) and converted it. Conversion runs soffice,
 * a page count and page drawing, each with its own 5-minute limit, so a large deck can take many minutes.
 */
export const WORKER_TIMEOUT_SECONDS = LAMBDA_MAX_TIMEOUT_SECONDS;

/**
 * Part of the worker's timeout kept for work outside the upload request. Before it: resolving secrets
 * from SSM on a cold start, HeadObject, and up to two JSON API calls of `API_TIMEOUT_MS` each. After a
 * timed-out upload: writing and reading delivery records, sending a failure record and changing the
 * message's visibility.
 */
export const WORKER_MARGIN_SECONDS = 120;

/** Time the worker waits for the server's answer to one upload: 780 s, the timeout minus the margin. */
export const UPLOAD_TIMEOUT_MS = (WORKER_TIMEOUT_SECONDS - WORKER_MARGIN_SECONDS) * 1000;

/** Time one JSON API call (`isRoomActive`, `getActiveRoomInfo`) may take; they answer from Redis and NATS in well under a second. */
export const API_TIMEOUT_MS = 10_000;

/**
 * Messages per worker invocation. One upload can take the whole `UPLOAD_TIMEOUT_MS`, so two uploads
 * in one batch could not both finish within one invocation. Lambda also leaves the visibility of
 * records reported as failed unchanged, so a batch's unprocessed records would stay hidden for the
 * whole visibility timeout and hold their rooms back.
 */
export const WORKER_BATCH_SIZE = 1;

/**
 * Maximum concurrent worker invocations (the event source mapping's `maximumConcurrency`), so
 * at most this many conversions run on the plugNmeet server at once; each one runs soffice and
 * draws pages with mutool on up to 4 processes. Unlike reserved concurrency, this limit leaves
 * extra messages in the queue instead of throttling invocations, and throttled receives would count
 * toward `MAX_RECEIVE_COUNT`. FIFO ordering already caps concurrency at the number of rooms with
 * queued files. Raise it per stage (`workerMaxConcurrency`) for a larger server.
 */
export const WORKER_MAX_CONCURRENCY = 10;

// --- Upload queue ----------------------------------------------------------------------------

/**
 * Visibility timeout of the upload queue: AWS asks for at least six times the function timeout, so
 * that the Lambda poller's own retries of a throttled invocation end before the message reappears,
 * and refuses to create the event source mapping below one timeout. The cost: a message whose
 * invocation crashes or times out reappears only after 90 minutes, and FIFO holds the later files of
 * its room behind it for that long. The worker's own back-offs set a shorter visibility.
 */
export const VISIBILITY_TIMEOUT_SECONDS = 6 * WORKER_TIMEOUT_SECONDS;

/**
 * Back-off after HTTP 409, while another upload holds the room's lock. The first retry comes soon,
 * because the server releases the lock just after it sends its 200, so a quick next upload can
 * still see it. Five receives (15 + 30 + 60 + 120 + 120 = 345 s) outlast a whole `LOCK_TTL_SECONDS`.
 */
export const BUSY_BACKOFF: Readonly<BackoffPolicy> = { baseSeconds: 15, capSeconds: 120 };

/**
 * Back-off while the room does not exist yet, has ended, or (with REQUIRE_PRESENTER) has no presenter:
 * files for a class are often uploaded before it starts. The cap bounds the delay between the room
 * becoming ready and the file being sent at 5 minutes; at that cap a day of waiting costs 288 receives.
 */
export const ROOM_WAIT_BACKOFF: Readonly<BackoffPolicy> = { baseSeconds: 60, capSeconds: 300 };

/** Deadline of files that arrive through S3 events: one day covers files uploaded the evening before a class. */
export const DEFAULT_DEADLINE_SECONDS = 86_400;

/**
 * Longest deadline that the queue settings can honour: three days. Its receives at the room-wait cap
 * must fit in `MAX_RECEIVE_COUNT`, and the message must still be in the queue one visibility timeout
 * after the deadline, so that the worker can record the failure. Callers that accept a deadline
 * (the preload API) should reject longer ones.
 */
export const MAX_DEADLINE_SECONDS = 3 * 86_400;

/** Whole lock waits (`BUSY_BACKOFF`) budgeted per file: 409s come from other uploaders and from our own timed-out uploads. */
export const LOCK_WAITS_BUDGET = 10;

/** Receives budgeted per file for passing failures: server 5xx, network errors, S3 throttling. */
export const TRANSIENT_RETRY_BUDGET = 30;

/**
 * `maxReceiveCount` of the upload queue: the SQS maximum. A healthy file waiting for its room until
 * `MAX_DEADLINE_SECONDS`, sitting through `LOCK_WAITS_BUDGET` locks and `TRANSIENT_RETRY_BUDGET`
 * passing failures needs 947 receives (the last one gives up), so it never reaches the dead-letter
 * queue; the worker itself gives up at the deadline. The redrive is only a backstop for messages the worker cannot handle.
 */
export const MAX_RECEIVE_COUNT = SQS_MAX_RECEIVE_COUNT;

/** Retention of the upload queue: four days, longer than `MAX_DEADLINE_SECONDS` plus one visibility timeout. */
export const UPLOAD_QUEUE_RETENTION_SECONDS = 4 * 86_400;

/**
 * Retention of the failure queue, the SQS maximum of 14 days, to give operators time to read failure
 * records and redrive. FIFO resets a message's enqueue time when it moves to a dead-letter queue,
 * so the 14 days count from the move.
 */
export const FAILURE_QUEUE_RETENTION_SECONDS = 14 * 86_400;

// --- HTTP functions --------------------------------------------------------------------------

/** Push function timeout: one second below the HTTP API's 30-second integration timeout, so the function answers first. */
export const PUSH_TIMEOUT_SECONDS = HTTP_API_INTEGRATION_TIMEOUT_SECONDS - 1;

/** Time the push route waits for the server before it answers 202; the other 4 s cover a cold start, secret resolution and the signature check. */
export const PUSH_WAIT_MS = 25_000;

/** Preload function timeout: the same HTTP API limit; it only checks the request and enqueues. */
export const PRELOAD_TIMEOUT_SECONDS = HTTP_API_INTEGRATION_TIMEOUT_SECONDS - 1;

/**
 * Link function timeout. The server's first HEAD gives up after 5 s, so the link function must answer
 * within that even on a cold start; it checks the token, calls HeadObject and answers or redirects.
 */
export const LINK_TIMEOUT_SECONDS = 10;

/** Ingest function timeout: one S3 event holds a few records, each a HeadObject and a SendMessage. */
export const INGEST_TIMEOUT_SECONDS = 60;

/**
 * Lifetime of a document-link token. The server fetches the link during the upload request (HEAD,
 * HEAD, GET with a 3-minute download limit), which the worker abandons after `UPLOAD_TIMEOUT_MS`;
 * 15 minutes outlasts that request.
 */
export const LINK_TTL_SECONDS = 900;

/**
 * Lifetime of the presigned S3 URL that the link function redirects a GET to. The server follows the
 * redirect at once, and S3 checks the expiry only when a request starts.
 */
export const PRESIGN_TTL_SECONDS = 300;

// --- Delivery state --------------------------------------------------------------------------

/**
 * Days before S3 deletes a delivery record. The worker reads the records of a timed-out upload on the
 * message's next receive, minutes later. Two days also outlast the default deadline, so an operator
 * can still see them. S3 lifecycle rules count whole days.
 */
export const DELIVERY_STATE_EXPIRATION_DAYS = 2;

// --- Arithmetic ------------------------------------------------------------------------------

/**
 * Counts the failed receives of a message that backs off with `backoff` from its first receive until
 * `waitSeconds` have passed, using the worker's own formula (`computeBackoffSeconds`). The receive
 * after them is the one that proceeds.
 */
export function countReceivesToWait(backoff: BackoffPolicy, waitSeconds: number): number {
  let waited = 0;
  let receives = 0;
  while (waited < waitSeconds) {
    receives += 1;
    waited += computeBackoffSeconds(backoff, receives);
  }
  return receives;
}
