import { guessDownloadFilename, makeSafeFilename, NO_FILENAME_ERROR } from './file-naming';
import { sniffFileType, type SniffedType } from './file-sniffing';
import { checkAllowedType } from './file-types';
import { GoHttpError, goStatusText, sendGoRequest, type GoResponse } from './go-http-client';
import { decodeUrlPath, type RequestUri } from './go-url';
import { lookupMediaTypeExtension } from './mime-table';
import type { RoomFiles } from './room-files';
import type { UploadRecord } from './types';

/** A link-path failure, which the handler returns as HTTP 400, INTERNAL_SERVER_ERROR, with this message. */
export class LinkPathError extends Error {
  override readonly name = 'LinkPathError';
}

/**
 * The server panics here: `mimetype.Lookup` returned nil for the HEAD Content-Type and
 * `ValidateMimeType` dereferenced it in a goroutine nothing recovers, which ends the process.
 */
export class ServerPanicError extends Error {
  override readonly name = 'ServerPanicError';
}

export interface LinkDownloadContext {
  roomSid: string;
  files: RoomFiles;
  maxFileBytes: number;
  allowedTypes: readonly string[];
  headTimeoutMs: number;
  downloadTimeoutMs: number;
  /** Aborted when the simulated process dies. */
  signal: AbortSignal;
  record: UploadRecord;
  /** Called when grab reused a same-named file without downloading. */
  onStaleReuse: () => void;
  /** Called when grab wrote into a same-named file and kept some of its old bytes. */
  onStaleMerge: () => void;
}

/** A downloaded file as stored in the room folder, with its sniffed type. */
export interface DownloadedFile {
  filename: string;
  content: Buffer;
  sniffed: SniffedType;
}

const GO_USER_AGENT = 'Go-http-client/1.1';
const GRAB_USER_AGENT = 'grab';

function firstUrl(link: string, uri: RequestUri): URL {
  if (uri.scheme !== 'http' && uri.scheme !== 'https') {
    throw new GoHttpError(`Head ${JSON.stringify(link)}: unsupported protocol scheme ${JSON.stringify(uri.scheme)}`);
  }
  if (uri.host === '') throw new GoHttpError(`Head ${JSON.stringify(link)}: http: no Host in request URL`);
  try {
    return new URL(`${uri.scheme}://${uri.host}/`);
  } catch {
    throw new GoHttpError(`Head ${JSON.stringify(link)}: dial tcp: lookup ${uri.host}: no such host`);
  }
}

/**
 * `validateRemoteFile`: one HEAD with the default Go client (5 s timeout, redirects followed).
 * The status is never checked; the size and the Content-Type are.
 *
 * @throws {LinkPathError} with the server's message
 * @throws {ServerPanicError} when Go's mimetype does not know the Content-Type
 */
async function validateRemoteFile(link: string, uri: RequestUri, context: LinkDownloadContext): Promise<void> {
  let head: GoResponse;
  try {
    head = await sendGoRequest({
      method: 'HEAD',
      url: firstUrl(link, uri),
      urlText: link,
      rawTarget: uri.rawPath + (uri.rawQuery === '' ? '' : `?${uri.rawQuery}`),
      userAgent: GO_USER_AGENT,
      deadline: Date.now() + context.headTimeoutMs,
      deadlineError: 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      signal: context.signal,
      readBody: false,
      onExchange: (exchange) => context.record.linkRequests.push(exchange),
    });
  } catch (error) {
    if (error instanceof GoHttpError) throw new LinkPathError(`failed to fetch file headers: ${error.message}`);
    throw error;
  }

  if (head.contentLength > 0 && head.contentLength > context.maxFileBytes) {
    throw new LinkPathError(`file too large: allowed ${context.maxFileBytes} bytes, got ${head.contentLength}`);
  }
  const contentType = head.headers['content-type'] ?? '';
  if (contentType === '') throw new LinkPathError('missing Content-Type header');
  const extension = lookupMediaTypeExtension(contentType);
  if (extension === undefined) {
    throw new ServerPanicError(`runtime error: invalid memory address or nil pointer dereference (mimetype.Lookup(${JSON.stringify(contentType)}) returned nil)`);
  }
  const typeError = checkAllowedType(extension, context.allowedTypes);
  if (typeError) throw new LinkPathError(`invalid MIME type: ${typeError}`);
}

/** Returns the decoded path grab names the file after: the final URL's path, without the query. */
function finalDecodedPath(response: GoResponse): string {
  const question = response.finalTarget.indexOf('?');
  return decodeUrlPath(question < 0 ? response.finalTarget : response.finalTarget.slice(0, question));
}

/** Writes `content` over `existing` without truncating, as an `os.O_WRONLY` file opened at offset 0. */
function overlay(existing: Buffer, content: Buffer): Buffer {
  if (content.length >= existing.length) return content;
  return Buffer.concat([content, existing.subarray(content.length)]);
}

/**
 * Runs grab v3's transfer into `upload/<roomSid>/`: its own HEAD (User-Agent `grab`), then a GET
 * unless a same-named file settles it. With a 200 HEAD, the final URL and that response's name
 * are used. An existing file of that name is then reused when the sizes match, and rejected with
 * "bad content length" when the remote is smaller. Otherwise it is resumed with a `Range` request
 * when the server sends `Accept-Ranges: bytes`. Without a 200 HEAD, the GET names the file and is
 * written over any existing file without truncating it.
 *
 * @returns the name grab chose and the folder's resulting bytes
 */
async function grabDownload(link: string, uri: RequestUri, context: LinkDownloadContext): Promise<{ name: string; content: Buffer }> {
  const deadline = Date.now() + context.downloadTimeoutMs;
  const common = {
    userAgent: GRAB_USER_AGENT,
    deadline,
    deadlineError: 'context deadline exceeded',
    signal: context.signal,
    onExchange: (exchange: UploadRecordExchange) => context.record.linkRequests.push(exchange),
  };
  const failDownload = (reason: string): never => {
    throw new LinkPathError(`failed to download file: ${reason}`);
  };
  const get = async (url: URL, urlText: string, rawTarget: string, headers?: Record<string, string>): Promise<GoResponse> => {
    const response = await sendGoRequest({ ...common, method: 'GET', url, urlText, rawTarget, headers, readBody: true });
    if (response.status < 200 || response.status > 299) failDownload(`server returned ${response.status} ${goStatusText(response.status)}`);
    return response;
  };

  const url = firstUrl(link, uri);
  const rawTarget = uri.rawPath + (uri.rawQuery === '' ? '' : `?${uri.rawQuery}`);
  const head = await sendGoRequest({ ...common, method: 'HEAD', url, urlText: link, rawTarget, readBody: false });

  if (head.status !== 200) {
    const response = await get(url, link, rawTarget);
    const name = guessDownloadFilename(finalDecodedPath(response), response.headers['content-disposition']) ?? failDownload(NO_FILENAME_ERROR);
    const body = response.body ?? Buffer.alloc(0);
    const existing = context.files.read(context.roomSid, name);
    const content = existing ? overlay(existing, body) : body;
    if (existing && content.length > body.length) context.onStaleMerge();
    return { name, content };
  }

  const name = guessDownloadFilename(finalDecodedPath(head), head.headers['content-disposition']) ?? failDownload(NO_FILENAME_ERROR);
  const existing = context.files.read(context.roomSid, name);
  const finalText = head.finalUrl === url ? link : head.finalUrl.href;
  if (!existing) return { name, content: (await get(head.finalUrl, finalText, head.finalTarget)).body ?? Buffer.alloc(0) };

  // grab's validateLocal: a HEAD length of 0 means "fetch again", -1 means unknown.
  const expected = head.contentLength;
  if (expected === 0) return { name, content: (await get(head.finalUrl, finalText, head.finalTarget)).body ?? Buffer.alloc(0) };
  if (expected === existing.length) {
    context.record.reusedStaleFile = true;
    context.onStaleReuse();
    return { name, content: existing };
  }
  if (expected > 0 && expected < existing.length) failDownload('bad content length');
  if (head.headers['accept-ranges'] === 'bytes') {
    const response = await get(head.finalUrl, finalText, head.finalTarget, { Range: `bytes=${existing.length}-` });
    context.onStaleMerge();
    return { name, content: Buffer.concat([existing, response.body ?? Buffer.alloc(0)]) };
  }
  return { name, content: (await get(head.finalUrl, finalText, head.finalTarget)).body ?? Buffer.alloc(0) };
}

type UploadRecordExchange = UploadRecord['linkRequests'][number];

/**
 * Runs the server's link path up to the conversion (`downloadFile`): HEAD validation, the grab
 * download, the size check on the stored file, content sniffing against `allowed_types`, and the
 * rename to the MakeSafeFilename name. Files stay in the folder when a later check fails.
 *
 * @throws {LinkPathError} with the server's message
 * @throws {ServerPanicError} when the HEAD Content-Type would crash the server
 * @throws {ProcessDiedError} when the simulated process dies meanwhile
 */
export async function downloadDocumentLink(link: string, uri: RequestUri, context: LinkDownloadContext): Promise<DownloadedFile> {
  await validateRemoteFile(link, uri, context);

  let downloaded: { name: string; content: Buffer };
  try {
    downloaded = await grabDownload(link, uri, context);
  } catch (error) {
    if (error instanceof GoHttpError) throw new LinkPathError(`failed to download file: ${error.message}`);
    throw error;
  }
  context.files.write(context.roomSid, downloaded.name, downloaded.content);

  if (downloaded.content.length > context.maxFileBytes) {
    throw new LinkPathError(`downloaded file is too large: allowed ${context.maxFileBytes} bytes, got ${downloaded.content.length}`);
  }
  const sniffed = await sniffFileType(downloaded.content);
  context.record.detectedType = sniffed.extension;
  const typeError = checkAllowedType(sniffed.extension, context.allowedTypes);
  if (typeError) throw new LinkPathError(typeError);

  const filename = makeSafeFilename(downloaded.name, true);
  context.files.rename(context.roomSid, downloaded.name, filename);
  return { filename, content: downloaded.content, sniffed };
}
