import { ServerError } from './errors';
import type { ActiveRoomInfo, RoomParticipant } from './plugnmeet-client';
import { asRecord, factsOf, getCommonReplyError, getRoomInactiveCode, type ServerReply } from './plugnmeet-response';

/**
 * Reading of the JSON room APIs (`isRoomActive`, `getActiveRoomInfo`). They return HTTP 200 even
 * for logical failures, with `status: false` and a `status_code`. Their bodies are protojson with
 * snake_case names, int32 flags as 0/1 and int64 values as strings.
 */

/**
 * Returns the body of a successful room API reply, or `'room-inactive'` when the server reports that
 * the room does not exist or has ended.
 *
 * @throws {ServerAuthError} on 401
 * @throws {ServerError} on any other failure: a status other than 200, a body that is not JSON,
 *   or `status: false` with another code
 */
export function readRoomApiReply(
  path: string,
  roomId: string,
  reply: ServerReply,
): Record<string, unknown> | 'room-inactive' {
  const commonError = getCommonReplyError(path, roomId, reply);
  if (commonError) throw commonError;

  const facts = factsOf(roomId, reply);
  if (reply.httpStatus !== 200 || !reply.body || reply.status === undefined) {
    throw new ServerError(
      `The plugNmeet server sent an unexpected response to POST ${path} for room ${roomId} (HTTP ${reply.httpStatus}).`,
      { facts },
    );
  }
  if (getRoomInactiveCode(reply)) return 'room-inactive';
  if (!reply.status) {
    throw new ServerError(
      `The plugNmeet server failed on POST ${path} for room ${roomId} (${reply.statusCode ?? 'no status_code'}: ${reply.message ?? 'no msg'}).`,
      { facts },
    );
  }
  return reply.body;
}

/**
 * Reads the presenter and admin flags from a participant's `metadata`, the JSON string of
 * plugNmeet's `UserMetadata`. Metadata that is missing or not JSON counts as neither.
 */
function readUserFlags(metadata: unknown): { isPresenter: boolean; isAdmin: boolean } {
  if (typeof metadata !== 'string') return { isPresenter: false, isAdmin: false };
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = asRecord(JSON.parse(metadata));
  } catch {
    parsed = undefined;
  }
  return { isPresenter: parsed?.is_presenter === true, isAdmin: parsed?.is_admin === true };
}

function readParticipant(value: unknown): RoomParticipant | undefined {
  const participant = asRecord(value);
  if (!participant || typeof participant.identity !== 'string') return undefined;
  return {
    identity: participant.identity,
    name: typeof participant.name === 'string' ? participant.name : '',
    ...readUserFlags(participant.metadata),
  };
}

/**
 * Converts the `room` of a `getActiveRoomInfo` reply. `is_running` is an int32 (0/1) on the wire,
 * although plugNmeet's docs call it a boolean, so both forms are read.
 *
 * @param body the body that `readRoomApiReply` returned
 * @throws {ServerError} when the body has no `room` object
 */
export function toActiveRoomInfo(path: string, roomId: string, body: Record<string, unknown>): ActiveRoomInfo {
  const room = asRecord(body.room);
  if (!room) {
    throw new ServerError(`The plugNmeet server's reply to POST ${path} for room ${roomId} has no room object.`, {
      facts: { roomId, httpStatus: 200 },
    });
  }
  const roomInfo = asRecord(room.room_info) ?? {};
  const participantList = Array.isArray(room.participants_info) ? room.participants_info : [];
  const participants = participantList
    .map(readParticipant)
    .filter((participant): participant is RoomParticipant => participant !== undefined);

  return {
    roomId: typeof roomInfo.room_id === 'string' ? roomInfo.room_id : roomId,
    sid: typeof roomInfo.sid === 'string' ? roomInfo.sid : '',
    isRunning: roomInfo.is_running === 1 || roomInfo.is_running === true,
    participants,
    hasPresenter: participants.some((participant) => participant.isPresenter),
  };
}
