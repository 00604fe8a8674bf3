import type { Random } from './prng.ts';

// Fivetran ids look like two random words (`iodize_impressive`, `projected_sickle`).
const FIRST = [
  'amber',
  'brisk',
  'candid',
  'dapper',
  'eager',
  'fabled',
  'gentle',
  'hollow',
  'idle',
  'jovial',
  'keen',
  'lucid',
  'mellow',
  'nimble',
  'obtuse',
  'placid',
  'quaint',
  'rustic',
  'sable',
  'tidal',
  'upbeat',
  'vivid',
  'wistful',
  'zesty',
  'arcane',
  'bold',
  'cobalt',
  'dusky',
  'elated',
  'frosty',
  'gilded',
  'hasty',
  'inland',
  'jagged',
  'kindly',
  'lofty',
  'mossy',
  'noble',
  'opaque',
  'plucky',
  'quiet',
  'rapid',
  'solemn',
  'tawny',
  'unruly',
  'velvet',
  'wry',
  'young',
  'zonal',
  'ample',
] as const;
const SECOND = [
  'anchor',
  'beacon',
  'canopy',
  'delta',
  'ember',
  'falcon',
  'garnet',
  'harbor',
  'island',
  'jigsaw',
  'kernel',
  'lantern',
  'meadow',
  'nectar',
  'orchid',
  'pebble',
  'quartz',
  'raven',
  'saddle',
  'thicket',
  'umber',
  'valley',
  'walnut',
  'yonder',
  'zephyr',
  'acorn',
  'bramble',
  'cinder',
  'dune',
  'estuary',
  'fjord',
  'glacier',
  'heron',
  'ingot',
  'juniper',
  'kestrel',
  'lagoon',
  'marble',
  'nebula',
  'oxbow',
  'prairie',
  'quill',
  'ridge',
  'sparrow',
  'tundra',
  'upland',
  'vortex',
  'willow',
  'yarrow',
  'zenith',
] as const;

/** Unique two-word ids, drawn from the seeded PRNG; a numeric suffix only once the pairs run out. */
export class IdFactory {
  readonly #used = new Set<string>();
  readonly #random: Random;

  constructor(random: Random) {
    this.#random = random;
  }

  /** Marks ids that already exist (e.g. after the account changed) so they are never handed out again. */
  reserve(id: string): void {
    this.#used.add(id);
  }

  next(): string {
    for (let tries = 0; tries < 20; tries++) {
      const id = `${this.#random.pick(FIRST)}_${this.#random.pick(SECOND)}`;
      if (!this.#used.has(id)) {
        this.#used.add(id);
        return id;
      }
    }
    const base = `${this.#random.pick(FIRST)}_${this.#random.pick(SECOND)}`;
    for (let n = 2; ; n++) {
      const id = `${base}${n}`;
      if (!this.#used.has(id)) {
        this.#used.add(id);
        return id;
      }
    }
  }
}
