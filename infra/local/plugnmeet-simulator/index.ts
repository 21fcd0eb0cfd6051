import http, { type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createRequestListener } from './request-router';
import { resolveOptions, SimulatorState } from './simulator-state';
import type { PlugnmeetSimulator, SimulatedFault, SimulatedParticipant, SimulatorOptions } from './types';
import { uploadLockKey } from './upload-lock';

export type {
  LinkRequestRecord,
  PlugnmeetSimulator,
  SimulatedFault,
  SimulatedParticipant,
  SimulatorCounters,
  SimulatorOptions,
  UploadRecord,
} from './types';
export { uploadLockKey } from './upload-lock';

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Starts a local stand-in for the plugNmeet server's upload API on 127.0.0.1: the `/auth`
 * signature check, `uploadWhiteboardFile` with its room lock, link download (HEAD, grab's HEAD,
 * GET), content sniffing and simulated conversion, and the room info endpoints. Control routes
 * under `/_simulator/` let scripts drive it over HTTP.
 *
 * A `document_link` is fetched only from 127.0.0.0/8 or `localhost`; other hosts fail as
 * unresolvable.
 */
export async function startPlugnmeetSimulator(options: SimulatorOptions): Promise<PlugnmeetSimulator> {
  const state = new SimulatorState(resolveOptions(options));
  const sockets = new Set<Socket>();
  const inFlight = new Set<ServerResponse>();

  /** Ends the simulated process: open requests lose their connections and in-flight work stops. */
  const endProcess = () => {
    for (const res of inFlight) res.socket?.destroy();
    inFlight.clear();
    state.replaceProcess();
  };

  const simulator: PlugnmeetSimulator = {
    url: '',
    port: 0,
    createRoom: (roomId, roomOptions) => void state.rooms.create(roomId, roomOptions?.status),
    endRoom: (roomId) => state.rooms.end(roomId),
    deleteRoom: (roomId) => state.rooms.delete(roomId),
    addParticipant: (roomId, participant: SimulatedParticipant) => state.rooms.addParticipant(roomId, participant),
    removeParticipant: (roomId, identity) => state.rooms.removeParticipant(roomId, identity),
    holdLock: (roomId, ttlMs) => state.locks.forceHold(uploadLockKey(roomId), ttlMs ?? state.options.lockTtlMs),
    releaseLock: (roomId) => state.locks.forceRelease(uploadLockKey(roomId)),
    injectFault: (fault: SimulatedFault) => state.faults.add(fault),
    setConversionMs: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`Invalid conversion time ${ms}: expected a number >= 0.`);
      state.conversionMs = ms;
    },
    get uploads() {
      return state.stats.records;
    },
    get counters() {
      return state.stats.counters;
    },
    get crashed() {
      return state.crashed;
    },
    waitForUploads: (count, timeoutMs = 10_000) => state.stats.waitForRecords(count, timeoutMs),
    restart: async () => {
      endProcess();
      state.crashed = false;
    },
    stop: async () => {
      endProcess();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };

  const server = http.createServer(
    createRequestListener(state, {
      actions: simulator,
      inFlight,
      onPanic: () => {
        state.stats.counters.crashes += 1;
        state.crashed = true;
        endProcess();
      },
    }),
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const port = await listen(server, state.options.port);
  simulator.port = port;
  simulator.url = `http://127.0.0.1:${port}`;
  return simulator;
}
