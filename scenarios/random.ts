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
  const g = xoroshiro128plus(streamSeed(seed, purpose));
  let spare = NaN;
  return {
    uniform: () => uniformFloat64(g),
    gaussian: () => {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      // Box–Muller; 1 − u keeps the log argument in (0, 1].
      const u = 1 - uniformFloat64(g), v = uniformFloat64(g);
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
