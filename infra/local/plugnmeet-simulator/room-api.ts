import { randomBytes } from 'node:crypto';
import { STATUS_CODE } from './responses';
import type { ParticipantState, RoomRegistry, RoomState } from './rooms';

/** The `room_id` of a JSON request, or the error text the server returns with HTTP 200. */
type RoomIdRequest = { ok: true; roomId: string } | { ok: false; error: string };

/**
 * Reads `{"room_id": "..."}` (or `roomId`) as protojson with `DiscardUnknown` and protovalidate's
 * `required` rule would.
 *
 * NOTE: the error texts follow the shape of Go's protojson and protovalidate messages but are not
 * byte-for-byte the same; callers should check `status_code`, not `msg`.
 */
function parseRoomIdRequest(body: Buffer): RoomIdRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, error: 'proto: syntax error (line 1:1): unexpected token' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: 'proto: syntax error (line 1:1): unexpected token' };
  }
  const fields = parsed as Record<string, unknown>;
  const value = fields.room_id ?? fields.roomId ?? '';
  if (typeof value !== 'string') return { ok: false, error: `proto: invalid value for string field room_id: ${JSON.stringify(value)}` };
  if (value === '') return { ok: false, error: 'validation error:\n - room_id: value is required [required]' };
  return { ok: true, roomId: value };
}

/** plugNmeet's `UserMetadata` as protojson (snake_case; unset optional fields left out). */
function formatUserMetadata(participant: ParticipantState): string {
  return JSON.stringify({
    is_admin: participant.isAdmin ?? false,
    record_webcam: true,
    is_presenter: participant.isPresenter ?? false,
    raised_hand: { is_raised: false, raised_at: '0' },
    wait_for_approval: false,
    lock_settings: {
      lock_microphone: false,
      lock_webcam: false,
      lock_screen_sharing: true,
      lock_chat: false,
      lock_chat_send_message: false,
      lock_chat_file_share: false,
      lock_private_chat: false,
      lock_whiteboard: true,
      lock_shared_notepad: true,
    },
    metadata_id: randomBytes(8).toString('hex'),
    extra_data: {},
    ex_user_id: participant.identity,
  });
}

/** LiveKit's `ParticipantInfo` as protojson, with `metadata` replaced by plugNmeet's user metadata. */
function formatParticipant(participant: ParticipantState): Record<string, unknown> {
  return {
    sid: participant.sid,
    identity: participant.identity,
    state: 'ACTIVE',
    tracks: [],
    metadata: formatUserMetadata(participant),
    joined_at: String(participant.joinedAtSeconds),
    name: participant.name ?? participant.identity,
    version: 1,
    permission: {
      can_subscribe: true,
      can_publish: true,
      can_publish_data: true,
      can_publish_sources: [],
      hidden: false,
      recorder: false,
      can_update_metadata: false,
      agent: false,
      can_subscribe_metrics: false,
    },
    region: '',
    is_publisher: false,
    kind: 'STANDARD',
    attributes: {},
    disconnect_reason: 'UNKNOWN_REASON',
    joined_at_ms: String(participant.joinedAtMs),
    kind_details: [],
  };
}

/** `ActiveRoomWithParticipant`: `room_info` (int64 as strings, flags as 0/1) and the participants. */
function formatActiveRoom(room: RoomState): Record<string, unknown> {
  return {
    room_info: {
      room_title: room.roomId,
      room_id: room.roomId,
      sid: room.sid,
      joined_participants: String(room.joinedParticipants),
      is_running: 1,
      is_recording: 0,
      is_active_rtmp: 0,
      webhook_url: '',
      is_breakout_room: 0,
      parent_room_id: '',
      creation_time: String(room.creationTimeSeconds),
      metadata: JSON.stringify({ room_title: room.roomId, room_features: { whiteboard_features: { is_allow: true } } }),
    },
    participants_info: [...room.participants.values()].map(formatParticipant),
  };
}

/**
 * Builds the `POST /auth/room/isRoomActive` response. Its `status` is whether the call worked, and
 * `is_active` is whether the room is active.
 */
export function buildIsRoomActiveResponse(rooms: RoomRegistry, body: Buffer): Record<string, unknown> {
  const request = parseRoomIdRequest(body);
  if (!request.ok) return { status: false, msg: request.error, status_code: STATUS_CODE.INVALID_PARAMETERS };
  const activity = rooms.checkActive(request.roomId);
  return { status: true, msg: activity.msg, status_code: activity.statusCode, is_active: activity.isActive };
}

/**
 * Builds the `POST /auth/room/getActiveRoomInfo` response. A room that ended is no longer in the rooms table as
 * running, so it reads as not found, as after a normal end on the real server.
 */
export function buildActiveRoomInfoResponse(rooms: RoomRegistry, body: Buffer): Record<string, unknown> {
  const request = parseRoomIdRequest(body);
  if (!request.ok) return { status: false, msg: request.error, status_code: STATUS_CODE.INVALID_PARAMETERS };
  const room = rooms.get(request.roomId);
  if (!room || room.status === 'ended') {
    return { status: false, msg: 'room not found in active state', status_code: STATUS_CODE.ROOM_NOT_FOUND, room: null };
  }
  return { status: true, msg: 'success', status_code: STATUS_CODE.SUCCESS, room: formatActiveRoom(room) };
}

/** Builds the `POST /auth/room/getActiveRoomsInfo` response: every running room, or NOT_FOUND when there is none. */
export function buildActiveRoomsInfoResponse(rooms: RoomRegistry): Record<string, unknown> {
  const running = rooms.listRunning();
  if (running.length === 0) return { status: false, msg: 'no active room found', status_code: STATUS_CODE.NOT_FOUND, rooms: [] };
  return { status: true, msg: 'success', status_code: STATUS_CODE.SUCCESS, rooms: running.map(formatActiveRoom) };
}
