import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateFault } from './faults';
import type { PlugnmeetSimulator, SimulatedParticipant } from './types';

/** Path prefix of the control routes; the real server has no such routes. */
export const ADMIN_PREFIX = '/_simulator/';

type AdminActions = Omit<PlugnmeetSimulator, 'url' | 'port' | 'waitForUploads' | 'stop'>;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('Expected a JSON object body.');
  return parsed as Record<string, unknown>;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`Missing or invalid ${name}: expected a non-empty string.`);
  return value;
}

function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`Invalid ${name}: expected a number >= 0.`);
  return value;
}

/**
 * Runs one control route (documented in this folder's README). Returns undefined when the path is
 * not a control route, so the caller can respond 404.
 */
async function runAdminRoute(actions: AdminActions, method: string, segments: string[], body: Record<string, unknown>): Promise<unknown> {
  const [resource, roomId, child, childId] = segments;
  const route = `${method} ${resource ?? ''}${roomId === undefined ? '' : '/:room'}${child === undefined ? '' : `/${child}`}${childId === undefined ? '' : '/:id'}`;
  switch (route) {
    case 'GET counters':
      return actions.counters;
    case 'GET uploads':
      return actions.uploads;
    case 'GET state':
      return { crashed: actions.crashed };
    case 'POST rooms': {
      const status = body.status;
      if (status !== undefined && status !== 'created' && status !== 'active') throw new Error("Invalid status: expected 'created' or 'active'.");
      actions.createRoom(requireString(body.roomId, 'roomId'), status === undefined ? undefined : { status });
      return { ok: true };
    }
    case 'POST rooms/:room/end':
      actions.endRoom(roomId as string);
      return { ok: true };
    case 'DELETE rooms/:room':
      actions.deleteRoom(roomId as string);
      return { ok: true };
    case 'POST rooms/:room/participants': {
      const participant: SimulatedParticipant = { identity: requireString(body.identity, 'identity') };
      if (typeof body.name === 'string') participant.name = body.name;
      if (typeof body.isPresenter === 'boolean') participant.isPresenter = body.isPresenter;
      if (typeof body.isAdmin === 'boolean') participant.isAdmin = body.isAdmin;
      actions.addParticipant(roomId as string, participant);
      return { ok: true };
    }
    case 'DELETE rooms/:room/participants/:id':
      actions.removeParticipant(roomId as string, childId as string);
      return { ok: true };
    case 'POST rooms/:room/lock':
      actions.holdLock(roomId as string, optionalNumber(body.ttlMs, 'ttlMs'));
      return { ok: true };
    case 'DELETE rooms/:room/lock':
      actions.releaseLock(roomId as string);
      return { ok: true };
    case 'POST faults':
      actions.injectFault(validateFault(body));
      return { ok: true };
    case 'PUT conversion': {
      const ms = optionalNumber(body.ms, 'ms');
      if (ms === undefined) throw new Error('Missing ms: expected a number >= 0.');
      actions.setConversionMs(ms);
      return { ok: true };
    }
    case 'POST restart':
      await actions.restart();
      return { ok: true };
    default:
      return undefined;
  }
}

/**
 * Handles a request under `/_simulator/`: JSON in, JSON out, no authentication, and only from
 * a loopback address. Errors in the request get 400 with `{ error }`.
 */
export async function handleAdminRequest(actions: AdminActions, req: IncomingMessage, res: ServerResponse, rawBody: Buffer): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'The simulator control routes accept loopback clients only.' });
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.slice(ADMIN_PREFIX.length);
  const segments = path.split('/').filter((segment) => segment !== '').map((segment) => decodeURIComponent(segment));
  try {
    const result = await runAdminRoute(actions, req.method ?? 'GET', segments, parseJsonBody(rawBody));
    if (result === undefined) return sendJson(res, 404, { error: `No simulator control route ${req.method} ${ADMIN_PREFIX}${path}.` });
    sendJson(res, 200, result);
  } catch (error) {
    sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
