import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ADMIN_PREFIX, handleAdminRequest } from './admin-routes';
import { checkAuthHeaders, firstHeader } from './auth';
import { readRequestBody } from './request-body';
import { sendCommonProtobuf, sendCommonProtoJson, sendProtoJson, sendText } from './responses';
import { buildActiveRoomInfoResponse, buildActiveRoomsInfoResponse, buildIsRoomActiveResponse } from './room-api';
import { MAX_BODY_BYTES, type SimulatorState } from './simulator-state';
import { handleUploadWhiteboardFile } from './upload-handler';

const UPLOAD_PATH = '/auth/room/uploadwhiteboardfile';

type AdminActions = Parameters<typeof handleAdminRequest>[0];

/** Callbacks and bookkeeping the router needs from the running simulator besides its state. */
export interface RouterHooks {
  actions: AdminActions;
  /** Called when a request would panic the server: the simulated process dies. */
  onPanic: (reason: string) => void;
  /** Requests of the simulated server (not control routes) still open; a dying process drops them. */
  inFlight: Set<ServerResponse>;
}

/** Fiber's default routing: case-insensitive, and one trailing slash ignored. */
function normalizeRoute(rawUrl: string | undefined): string {
  const path = new URL(rawUrl ?? '/', 'http://127.0.0.1').pathname.toLowerCase();
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function isAuthGroup(path: string): boolean {
  return path === '/auth' || path.startsWith('/auth/');
}

/** Drains the body and applies an injected `status` or `drop-connection` fault. */
async function applyEntryFault(state: SimulatorState, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const roomId = firstHeader(req, 'Room-Id');
  const fault = state.faults.takeEntryFault(roomId);
  if (!fault) return false;
  const record = state.stats.openRecord(roomId);
  await readRequestBody(req, Number.POSITIVE_INFINITY);
  if (fault.kind === 'status') {
    const text = http.STATUS_CODES[fault.status] ?? 'Error';
    sendText(res, fault.status, text);
    state.stats.finishRecord(record, fault.status, '', `injected fault: HTTP ${fault.status} ${text}`);
  } else {
    req.socket.destroy();
    state.stats.finishRecord(record, 0, '', 'injected fault: connection dropped without a response');
  }
  return true;
}

async function routeSimulatedServer(state: SimulatorState, hooks: RouterHooks, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = normalizeRoute(req.url);
  const isUpload = req.method === 'POST' && path === UPLOAD_PATH;
  if (isUpload && (await applyEntryFault(state, req, res))) return;

  // fasthttp enforces Fiber's BodyLimit while reading, before any middleware.
  const bodyResult = await readRequestBody(req, MAX_BODY_BYTES);
  if (!bodyResult.ok) {
    if (bodyResult.tooLarge) sendText(res, 413, 'Request Entity Too Large', { closeConnection: true });
    return;
  }
  const body = bodyResult.body;
  if (!isAuthGroup(path)) return sendText(res, 404, 'not found');

  const authFailure = checkAuthHeaders(req, body, state.options.apiKey, state.options.apiSecret);
  if (authFailure) {
    state.stats.counters.authFailures += 1;
    if (firstHeader(req, 'Content-Type') === 'application/protobuf') return sendCommonProtobuf(res, 401, false, authFailure.msg);
    return sendCommonProtoJson(res, 401, false, authFailure.msg, authFailure.statusCode);
  }

  if (req.method !== 'POST') return sendText(res, 404, 'not found');
  switch (path) {
    case UPLOAD_PATH: {
      const record = state.stats.openRecord(firstHeader(req, 'Room-Id'));
      try {
        await handleUploadWhiteboardFile(state, req, res, body, record, hooks.onPanic);
      } catch (error) {
        const message = `simulator error: ${error instanceof Error ? error.message : String(error)}`;
        sendText(res, 500, message);
        state.stats.finishRecord(record, 500, '', message);
      }
      return;
    }
    case '/auth/room/isroomactive':
      return sendProtoJson(res, 200, buildIsRoomActiveResponse(state.rooms, body));
    case '/auth/room/getactiveroominfo':
      return sendProtoJson(res, 200, buildActiveRoomInfoResponse(state.rooms, body));
    case '/auth/room/getactiveroomsinfo':
      return sendProtoJson(res, 200, buildActiveRoomsInfoResponse(state.rooms));
    default:
      return sendText(res, 404, 'not found');
  }
}

/**
 * Builds the HTTP request listener. Control routes under `/_simulator/` always respond. Every
 * other request is rejected by destroying its socket while the simulated server is crashed.
 */
export function createRequestListener(state: SimulatorState, hooks: RouterHooks): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (pathname.startsWith(ADMIN_PREFIX)) {
      void readRequestBody(req, MAX_BODY_BYTES).then((result) => handleAdminRequest(hooks.actions, req, res, result.ok ? result.body : Buffer.alloc(0)));
      return;
    }
    if (state.crashed) {
      req.socket.destroy();
      return;
    }
    hooks.inFlight.add(res);
    res.on('close', () => hooks.inFlight.delete(res));
    routeSimulatedServer(state, hooks, req, res).catch((error: unknown) => {
      sendText(res, 500, `simulator error: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
}
