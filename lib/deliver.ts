import type { BridgeConfig } from './config';
import { createDocumentLink } from './document-link';
import { PresenterMissingError, RoomNotActiveError } from './errors';
import { logger } from './logger';
import type { PlugnmeetClient } from './plugnmeet-client';
import { validateRoomId } from './room-id';
import { inspectObject, type S3ObjectInfo } from './s3-object';

/** Dependencies of one delivery. */
export interface DeliveryContext {
  config: BridgeConfig;
  linkSigningSecret: string;
  client: PlugnmeetClient;
}

export interface DeliveryRequest {
  roomId: string;
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
  /** Unique per attempt: it names the file on the server and keys the download evidence. */
  attemptId: string;
  /** How long to wait for the server's response, in milliseconds. */
  timeoutMs: number;
}

/** Stages a delivery passes through, reported to `onStage` for progress displays. */
export type DeliveryStage = 'inspecting' | 'linking' | 'uploading';

export interface DeliveryHooks {
  onStage?: (stage: DeliveryStage) => void;
  /** Called just before the upload request is sent, with the send time in epoch milliseconds. */
  onSend?: (sentAtMs: number) => void;
}

export interface DeliveryResult {
  object: S3ObjectInfo;
  /** Name the file gets on the server, unique per attempt. */
  filename: string;
  /** Time from sending the upload to the server's response, in milliseconds. */
  uploadMs: number;
}

/**
 * Delivers one S3 object to a room's whiteboard: checks the object before the server's room lock
 * is taken (exists, size, type), makes a document link that serves HEAD and GET the way the
 * server needs, and sends the upload. Resolves when the server has converted the file.
 *
 * @throws {BridgeError} subclasses: the pre-flight errors of `inspectObject`, RoomNotActiveError
 *   and PresenterMissingError when `REQUIRE_PRESENTER` is on and the room has no presenter, and the outcome
 *   errors of `uploadWhiteboardFile` (RoomBusyError, RoomNotActiveError, FileRejectedError,
 *   UploadOutcomeUnknownError, …)
 */
export async function deliverFile(context: DeliveryContext, request: DeliveryRequest, hooks: DeliveryHooks = {}): Promise<DeliveryResult> {
  const { config } = context;
  validateRoomId(request.roomId);

  hooks.onStage?.('inspecting');
  const object = await inspectObject(config, {
    bucket: request.bucket,
    key: request.key,
    ...(request.versionId ? { versionId: request.versionId } : {}),
    ...(request.etag ? { etag: request.etag } : {}),
  });

  if (config.upload.requirePresenter) {
    // The server itself uploads without a presenter; this rule is the operator's choice.
    const room = await context.client.getActiveRoomInfo(request.roomId);
    const facts = { roomId: request.roomId, bucket: request.bucket, key: request.key };
    if (!room) throw new RoomNotActiveError(`Room ${request.roomId} is not active on the plugNmeet server.`, 'ROOM_NOT_ACTIVE', { facts });
    if (!room.hasPresenter) {
      throw new PresenterMissingError(`Room ${request.roomId} has no presenter yet, and REQUIRE_PRESENTER is on.`, { facts });
    }
  }

  hooks.onStage?.('linking');
  const link = await createDocumentLink(
    config,
    { linkSigningSecret: context.linkSigningSecret },
    object,
    request.roomId,
    request.attemptId,
  );

  hooks.onStage?.('uploading');
  const sentAt = Date.now();
  hooks.onSend?.(sentAt);
  logger.debug('upload sent', { filename: link.filename, size: object.size, contentType: object.contentType });
  await context.client.uploadWhiteboardFile(request.roomId, link.url, { timeoutMs: request.timeoutMs });
  return { object, filename: link.filename, uploadMs: Date.now() - sentAt };
}
