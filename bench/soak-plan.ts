import { makeLabelledPdf, sha256Hex } from './documents';

/** The fault a soak file meets on its first delivery attempt; `clean` meets none. */
export type SoakCategory = 'clean' | 'server-5xx' | 'dropped-connection' | 'slow-conversion' | 'deleted-object';

/** Share of files per fault category; the rest are `clean`. */
export const FAULT_SHARES: Readonly<Record<Exclude<SoakCategory, 'clean'>, number>> = {
  'server-5xx': 0.1,
  'dropped-connection': 0.07,
  'slow-conversion': 0.07,
  'deleted-object': 0.06,
};

/** One file of the soak. */
export interface SoakFile {
  /** 1-based, unique; also the start of the file name, so the simulator's records name it. */
  id: number;
  /** File name stem, `n0042` for id 42: unique, and no stem is a prefix of another followed by `-`. */
  stem: string;
  roomId: string;
  /** Position in its room's write order, from 0. */
  position: number;
  key: string;
  body: Buffer;
  sha256: string;
  category: SoakCategory;
  /** For `server-5xx`: the status the simulator responds with. */
  status?: 500 | 502 | 503;
}

/** A small seeded generator (mulberry32), so a seed always gives the same plan. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pickCategory(random: () => number, position: number): SoakCategory {
  let draw = random();
  for (const [category, share] of Object.entries(FAULT_SHARES) as Array<[Exclude<SoakCategory, 'clean'>, number]>) {
    if (draw < share) {
      // A room's first file may reach the worker before the DeleteObject, so it is never the deleted one.
      return category === 'deleted-object' && position === 0 ? 'clean' : category;
    }
    draw -= share;
  }
  return 'clean';
}

/**
 * Plans `files` files spread round-robin over `rooms` rooms, each with unique bytes and a fault
 * category drawn with `seed`.
 */
export function planSoak(files: number, rooms: number, seed: number): SoakFile[] {
  const random = createRandom(seed);
  const statuses = [500, 502, 503] as const;
  const plan: SoakFile[] = [];
  const nextPosition = new Array<number>(rooms).fill(0);
  for (let id = 1; id <= files; id++) {
    const room = (id - 1) % rooms;
    const roomId = `soak-r${String(room).padStart(2, '0')}`;
    const position = nextPosition[room] as number;
    nextPosition[room] = position + 1;
    const stem = `n${String(id).padStart(4, '0')}`;
    const body = makeLabelledPdf(`soak seed ${seed} file ${id}`);
    const category = pickCategory(random, position);
    plan.push({
      id,
      stem,
      roomId,
      position,
      key: `rooms/${roomId}/${stem}.pdf`,
      body,
      sha256: sha256Hex(body),
      category,
      ...(category === 'server-5xx' ? { status: statuses[Math.floor(random() * statuses.length)] as 500 | 502 | 503 } : {}),
    });
  }
  return plan;
}
