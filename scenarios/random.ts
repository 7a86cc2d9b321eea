// Seeded random streams: one per purpose, derived from the scenario seed and a name, so adding a new use
// of randomness never shifts the numbers of another (determinism rule 2).
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  gaussian(): number;
}

/** FNV-1a of the purpose name mixed with the seed: a 32-bit stream seed. */
function streamSeed(seed: number, purpose: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < purpose.length; i++) {
    h ^= purpose.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= Math.floor(seed / 0x100000000);
  return h | 0;
}

export function rngStream(seed: number, purpose: string): Rng {
  return new SeededRng(streamSeed(seed, purpose));
}

/**
 * A class, not closures over a `let`: a number a closure captures lives boxed in its context, so every new spare
 * normal would be a heap allocation, and the scripted hand draws three normals every tick.
 */
class SeededRng implements Rng {
  private readonly g: ReturnType<typeof xoroshiro128plus>;
  /** Box–Muller makes normals in pairs: the second one, kept for the next call (0.5, not 0: a double field from the start). */
  private spare = 0.5;
  private hasSpare = false;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
  }

  uniform(): number {
    return uniformFloat64(this.g);
  }

  gaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // Box–Muller; 1 − u keeps the log argument in (0, 1].
    const u = 1 - uniformFloat64(this.g), v = uniformFloat64(this.g);
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }
}
