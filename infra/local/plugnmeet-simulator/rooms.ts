import { randomBytes } from 'node:crypto';
import { STATUS_CODE, type StatusCode } from './responses';
import type { SimulatedParticipant } from './types';

/** NATS room status values; `created` and `active` count as active. */
export type RoomStatus = 'created' | 'active' | 'ended';

/** A participant with the LiveKit facts the info endpoints report. */
export interface ParticipantState extends SimulatedParticipant {
  sid: string;
  joinedAtSeconds: number;
  joinedAtMs: number;
}

/** A room as NATS and the rooms table hold it. */
export interface RoomState {
  roomId: string;
  /** Session id; a new one per creation, and the name of the room's upload folder. */
  sid: string;
  status: RoomStatus;
  creationTimeSeconds: number;
  /** Participants who ever joined this session (`joined_participants`). */
  joinedParticipants: number;
  participants: Map<string, ParticipantState>;
}

/** The result of `IsRoomActive` for an upload: message, status code and, when active, the room. */
export interface RoomActivity {
  isActive: boolean;
  msg: string;
  statusCode: StatusCode;
  room?: RoomState;
}

function newSid(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** The simulator's rooms: created, ended and deleted by tests, read by the upload handler. */
export class RoomRegistry {
  private readonly rooms = new Map<string, RoomState>();

  create(roomId: string, status: 'created' | 'active' = 'active'): RoomState {
    const existing = this.rooms.get(roomId);
    if (existing && existing.status !== 'ended') {
      existing.status = status;
      return existing;
    }
    const room: RoomState = {
      roomId,
      sid: newSid('RM'),
      status,
      creationTimeSeconds: Math.floor(Date.now() / 1000),
      joinedParticipants: 0,
      participants: new Map(),
    };
    this.rooms.set(roomId, room);
    return room;
  }

  end(roomId: string): void {
    const room = this.requireRoom(roomId);
    room.status = 'ended';
    room.participants.clear();
  }

  delete(roomId: string): void {
    this.rooms.delete(roomId);
  }

  addParticipant(roomId: string, participant: SimulatedParticipant): void {
    const room = this.requireRoom(roomId);
    const now = Date.now();
    room.participants.set(participant.identity, { ...participant, sid: newSid('PA'), joinedAtSeconds: Math.floor(now / 1000), joinedAtMs: now });
    room.joinedParticipants += 1;
  }

  removeParticipant(roomId: string, identity: string): void {
    this.requireRoom(roomId).participants.delete(identity);
  }

  get(roomId: string): RoomState | undefined {
    return this.rooms.get(roomId);
  }

  /** Rooms the rooms table lists as running (`is_running = 1`). */
  listRunning(): RoomState[] {
    return [...this.rooms.values()].filter((room) => room.status !== 'ended');
  }

  /** Checks a room as the server's `IsRoomActive` does: NATS status `created` or `active` is active. */
  checkActive(roomId: string): RoomActivity {
    const room = this.rooms.get(roomId);
    if (!room) return { isActive: false, msg: 'room not found', statusCode: STATUS_CODE.ROOM_NOT_FOUND };
    if (room.status === 'ended') return { isActive: false, msg: 'room is not active', statusCode: STATUS_CODE.ROOM_NOT_ACTIVE };
    return { isActive: true, msg: 'room is active', statusCode: STATUS_CODE.SUCCESS, room };
  }

  private requireRoom(roomId: string): RoomState {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`Simulated room ${JSON.stringify(roomId)} not found; create it with createRoom first.`);
    return room;
  }
}
