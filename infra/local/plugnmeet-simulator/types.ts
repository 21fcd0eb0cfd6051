/** Settings of a simulator instance; the defaults are the plugNmeet server's defaults. */
export interface SimulatorOptions {
  apiKey: string;
  apiSecret: string;
  /** Port to bind on 127.0.0.1; 0 (the default) picks an ephemeral port. */
  port?: number;
  /** TTL of the per-room upload lock in milliseconds; the server's Redis lock lives 300_000 ms. */
  lockTtlMs?: number;
  /** Simulated conversion time per file in milliseconds, default 50. */
  conversionMs?: number;
  /** Timeout of the server's first HEAD (`validateRemoteFile`) in milliseconds, default 5_000. */
  headTimeoutMs?: number;
  /** Deadline of the whole grab download (HEAD and GET) in milliseconds, default 180_000. */
  downloadTimeoutMs?: number;
  /** `max_size_whiteboard_file` in bytes, default 31_457_280 (30 MiB). */
  maxFileBytes?: number;
  /** `allowed_types`: extensions without the dot, default the server's chat upload list. */
  allowedTypes?: string[];
}

/** A participant as the simulator lists it in `getActiveRoomInfo`. */
export interface SimulatedParticipant {
  identity: string;
  name?: string;
  isPresenter?: boolean;
  isAdmin?: boolean;
}

/** One HTTP exchange the simulator made with the host of a `document_link`, redirects included. */
export interface LinkRequestRecord {
  method: 'HEAD' | 'GET';
  userAgent: string;
  /** Response status, or 0 when no response arrived (connection error or timeout). */
  status: number;
  contentType?: string;
  /** The URL requested in this exchange. */
  url?: string;
  /** The `Range` header sent, when grab resumed into an existing file. */
  range?: string;
}

/** One upload request that reached the handler, filled in when it finished. */
export interface UploadRecord {
  roomId: string;
  documentLink: string;
  /** Name the server stored it under (after MakeSafeFilename). */
  filename?: string;
  /** SHA-256 (hex) of the stored bytes. */
  sha256?: string;
  size?: number;
  /** Sniffed extension, for example `pdf`; empty when the type could not be determined. */
  detectedType?: string;
  /** HTTP status of the simulator's response, or 0 when the connection died without a response. */
  httpStatus: number;
  /** `status_code` of the response, for example `SUCCESS`, or empty when there was no response. */
  statusCode: string;
  message: string;
  /** True when a same-named file in the room folder was used without downloading. */
  reusedStaleFile: boolean;
  /**
   * True when the stored file kept bytes of an older same-named file: grab wrote over it without
   * truncating, or appended to it with a `Range` request.
   */
  staleBytesKept: boolean;
  /** The form field the request used. */
  source?: 'document_link' | 'document';
  linkRequests: LinkRequestRecord[];
  /** `Date.now()` when the handler started and when it finished. */
  startedAt: number;
  finishedAt: number;
}

/** A failure the simulator injects into the next matching upload requests. */
export type SimulatedFault =
  /** Responds with this status before doing anything (text body, as a proxy in front would). */
  | { kind: 'status'; status: 500 | 502 | 503; times?: number; roomId?: string }
  /** Destroys the socket without a response, before the lock is taken. */
  | { kind: 'drop-connection'; times?: number; roomId?: string }
  /** Makes the conversion take `extraMs` longer. */
  | { kind: 'slow-conversion'; extraMs: number; times?: number; roomId?: string };

/** Counters over the simulator's lifetime; `restart()` keeps them. */
export interface SimulatorCounters {
  /** Upload requests that reached the handler or were taken by an injected fault. */
  uploadRequests: number;
  /** Responses sent with HTTP 409 (room lock held). */
  conflicts: number;
  /** Responses sent with HTTP 200. */
  successes: number;
  /** Every other finished upload request: error responses, injected faults, and requests that died. */
  failures: number;
  /** Times the server "panicked" on a HEAD `Content-Type` that Go's mimetype does not know. */
  crashes: number;
  /** Times a same-named file in the room folder was reused without downloading. */
  staleReuses: number;
  /** Times a download kept bytes of an older same-named file (see `UploadRecord.staleBytesKept`). */
  staleMerges: number;
  /** Requests rejected by the API-KEY / HASH-SIGNATURE check, on any route. */
  authFailures: number;
  /** Peak number of uploads in progress per room. */
  maxConcurrentByRoom: Record<string, number>;
  /** Times an upload started while another upload of the same room was in progress. */
  concurrentViolations: number;
}

/** A running simulator of the plugNmeet server's upload API. */
export interface PlugnmeetSimulator {
  url: string;
  port: number;
  /** Creates the room (a new session id) or, when it exists and has not ended, sets its status. */
  createRoom(roomId: string, options?: { status?: 'created' | 'active' }): void;
  /** Marks the room ended; uploads then get ROOM_NOT_ACTIVE. */
  endRoom(roomId: string): void;
  /** Removes the room; uploads then get ROOM_NOT_FOUND. */
  deleteRoom(roomId: string): void;
  addParticipant(roomId: string, participant: SimulatedParticipant): void;
  removeParticipant(roomId: string, identity: string): void;
  /** Takes the room's upload lock as another uploader would; `ttlMs` defaults to `lockTtlMs`. */
  holdLock(roomId: string, ttlMs?: number): void;
  releaseLock(roomId: string): void;
  /** Queues a fault; it applies to the next `times` (default 1) matching upload requests. */
  injectFault(fault: SimulatedFault): void;
  setConversionMs(ms: number): void;
  /** Every finished upload request, in the order they finished. */
  readonly uploads: readonly UploadRecord[];
  readonly counters: SimulatorCounters;
  /** True after a simulated panic until `restart()`. */
  readonly crashed: boolean;
  /** Resolves when `count` upload requests have finished; rejects after `timeoutMs` (default 10_000). */
  waitForUploads(count: number, timeoutMs?: number): Promise<void>;
  /**
   * Simulates a process restart: in-flight requests die without a response, locks in "Redis",
   * rooms in "NATS" and files in the room folders survive, and `crashed` becomes false.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}
