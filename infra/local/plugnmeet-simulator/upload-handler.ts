import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { firstHeader } from './auth';
import { checkConversion } from './conversion';
import { makeSafeFilename } from './file-naming';
import { sniffFileType } from './file-sniffing';
import { checkAllowedType } from './file-types';
import { RequestForm } from './form-fields';
import { ProcessDiedError } from './go-http-client';
import { parseRequestUri } from './go-url';
import { downloadDocumentLink, LinkPathError, ServerPanicError } from './link-download';
import { sendCommonProtoJson, sendFiberMapError, STATUS_CODE, type StatusCode } from './responses';
import type { RoomState } from './rooms';
import type { SimulatorState } from './simulator-state';
import type { UploadRecord } from './types';
import { uploadLockKey } from './upload-lock';

/** How an upload ended: a response to send, or a process that died first. */
type UploadOutcome = { kind: 'response'; httpStatus: number; statusCode: StatusCode; msg: string } | { kind: 'died'; reason: string };

const SUCCESS_MESSAGE = 'file uploaded successfully';

function respond(httpStatus: number, statusCode: StatusCode, msg: string): UploadOutcome {
  return { kind: 'response', httpStatus, statusCode, msg };
}

function describeStoredFile(record: UploadRecord, filename: string, content: Buffer): void {
  record.filename = filename;
  record.size = content.length;
  record.sha256 = createHash('sha256').update(content).digest('hex');
}

/** Waits the simulated conversion time, because the server responds only after the conversion. */
async function convert(state: SimulatorState, room: RoomState, extension: string, content: Buffer, signal: AbortSignal): Promise<string | undefined> {
  const failure = checkConversion(extension, content);
  if (failure) return failure;
  await delay(state.conversionMs + state.faults.takeConversionDelay(room.roomId), undefined, { signal });
  return undefined;
}

async function processLink(state: SimulatorState, room: RoomState, link: string, record: UploadRecord, signal: AbortSignal): Promise<UploadOutcome> {
  record.source = 'document_link';
  record.documentLink = link;
  const parsed = parseRequestUri(link);
  if (!parsed.ok) return respond(400, STATUS_CODE.INVALID_PARAMETERS, 'Invalid document_link provided');

  try {
    const file = await downloadDocumentLink(link, parsed.uri, {
      roomSid: room.sid,
      files: state.files,
      maxFileBytes: state.options.maxFileBytes,
      allowedTypes: state.options.allowedTypes,
      headTimeoutMs: state.options.headTimeoutMs,
      downloadTimeoutMs: state.options.downloadTimeoutMs,
      signal,
      record,
      onStaleReuse: () => (state.stats.counters.staleReuses += 1),
      onStaleMerge: () => {
        record.staleBytesKept = true;
        state.stats.counters.staleMerges += 1;
      },
    });
    describeStoredFile(record, file.filename, file.content);
    const conversionError = await convert(state, room, file.sniffed.extension, file.content, signal);
    if (conversionError) return respond(400, STATUS_CODE.INTERNAL_SERVER_ERROR, `conversion/broadcast failed: ${conversionError}`);
  } catch (error) {
    if (error instanceof LinkPathError) return respond(400, STATUS_CODE.INTERNAL_SERVER_ERROR, error.message);
    throw error;
  }
  return respond(200, STATUS_CODE.SUCCESS, SUCCESS_MESSAGE);
}

async function processDocument(state: SimulatorState, room: RoomState, form: RequestForm, record: UploadRecord, signal: AbortSignal): Promise<UploadOutcome> {
  const part = form.file('document');
  if (!part.ok) return respond(400, STATUS_CODE.INVALID_PARAMETERS, part.error);
  record.source = 'document';
  const { content } = part.file;
  if (content.length > state.options.maxFileBytes) return respond(413, STATUS_CODE.INVALID_PARAMETERS, 'Request Entity Too Large');

  const sniffed = await sniffFileType(content);
  record.detectedType = sniffed.extension;
  const typeError = checkAllowedType(sniffed.extension, state.options.allowedTypes);
  if (typeError) return respond(400, STATUS_CODE.INVALID_PARAMETERS, typeError);

  const filename = makeSafeFilename(part.file.filename, true);
  state.files.write(room.sid, filename, content);
  describeStoredFile(record, filename, content);
  const conversionError = await convert(state, room, sniffed.extension, content, signal);
  if (conversionError) return respond(500, STATUS_CODE.INTERNAL_SERVER_ERROR, conversionError);
  return respond(200, STATUS_CODE.SUCCESS, SUCCESS_MESSAGE);
}

function isProcessDeath(error: unknown, signal: AbortSignal): boolean {
  return error instanceof ProcessDiedError || signal.aborted;
}

/**
 * `HandleUploadWhiteboardFile` after the auth middleware: the `Room-Id` header, the room-active
 * check, the room lock (409 when held), then the link path when `document_link` is non-empty
 * (from the query, an urlencoded body or a multipart field) or else the `document` file. The
 * response is sent after the simulated conversion, and the lock is released when processing ends.
 * When the simulated process dies first, the lock stays until its TTL, as in Redis.
 *
 * @param onPanic called when the request would crash the server process
 */
export async function handleUploadWhiteboardFile(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  record: UploadRecord,
  onPanic: (reason: string) => void,
): Promise<void> {
  const roomId = firstHeader(req, 'Room-Id');
  const finishWith = (outcome: UploadOutcome) => {
    if (outcome.kind === 'died') {
      state.stats.finishRecord(record, 0, '', outcome.reason);
      return;
    }
    if (outcome.httpStatus === 200) sendCommonProtoJson(res, 200, true, outcome.msg, outcome.statusCode);
    else sendFiberMapError(res, outcome.httpStatus, outcome.msg, outcome.statusCode);
    state.stats.finishRecord(record, outcome.httpStatus, outcome.statusCode, outcome.msg);
  };

  if (roomId === '') return finishWith(respond(400, STATUS_CODE.INVALID_PARAMETERS, 'missing required header Room-Id'));
  const activity = state.rooms.checkActive(roomId);
  if (!activity.room) return finishWith(respond(400, activity.statusCode, activity.msg));

  const lockKey = uploadLockKey(roomId);
  const token = state.locks.tryLock(lockKey, state.options.lockTtlMs);
  if (token === undefined) return finishWith(respond(409, STATUS_CODE.CONFLICT, 'Another whiteboard file upload is already in progress for this room'));

  const signal = state.processSignal;
  state.stats.beginProcessing(roomId);
  let outcome: UploadOutcome;
  try {
    const form = new RequestForm(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams, firstHeader(req, 'Content-Type'), body);
    const link = form.value('document_link');
    outcome = link !== '' ? await processLink(state, activity.room, link, record, signal) : await processDocument(state, activity.room, form, record, signal);
  } catch (error) {
    if (error instanceof ServerPanicError) {
      outcome = { kind: 'died', reason: `server crashed: ${error.message}` };
      onPanic(error.message);
    } else if (isProcessDeath(error, signal)) {
      outcome = { kind: 'died', reason: 'the server process stopped before responding' };
    } else {
      throw error;
    }
  } finally {
    state.stats.endProcessing(roomId);
  }
  if (outcome.kind === 'response' && signal.aborted) outcome = { kind: 'died', reason: 'the server process stopped before responding' };
  if (outcome.kind === 'response') state.locks.unlock(lockKey, token);
  finishWith(outcome);
}
