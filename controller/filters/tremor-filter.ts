// The tremor filter the control loop uses, built from the scenario's `tremor_filter` block.
// Position is filtered per axis; orientation consistently, on the rotation vector relative to a reference
// orientation captured at reset (q_rel = q_ref⁻¹ ⊗ q, filter rotvec(q_rel), q_out = q_ref ⊗ exp(r_f)).
import { ButterworthLowpass } from './butterworth.ts';
import { AdaptiveCanceller, DEFAULT_BAND_HZ } from './adaptive-canceller.ts';
import { quatConj, quatFromRotvec, quatMul, quatNormalize, quatToRotvec } from '../../sim/math/quat.ts';

export type TremorFilterConfig =
  | { readonly type: 'none' }
  | { readonly type: 'lowpass'; readonly cutoff_hz: number; readonly order: 1 | 2 | 3 | 4 }
  | { readonly type: 'adaptive'; readonly band_hz?: readonly [number, number]; readonly mu?: number };

/** Three scalar channels filtered together. */
interface VectorFilter {
  reset(x0: ArrayLike<number>): void;
  step(input: ArrayLike<number>, output: Float64Array): void;
}

function vectorFilter(config: TremorFilterConfig, fs: number): VectorFilter {
  switch (config.type) {
    case 'none':
      return { reset() {}, step(input, output) { output[0] = input[0]; output[1] = input[1]; output[2] = input[2]; } };
    case 'lowpass': {
      const f = [0, 1, 2].map(() => new ButterworthLowpass(config.order, config.cutoff_hz, fs));
      return {
        reset(x0) { for (let a = 0; a < 3; a++) f[a].reset(x0[a]); },
        step(input, output) { for (let a = 0; a < 3; a++) output[a] = f[a].step(input[a]); },
      };
    }
    case 'adaptive': {
      const band = config.band_hz ?? DEFAULT_BAND_HZ;
      return new AdaptiveCanceller({ fs, channels: 3, bandHz: [band[0], band[1]], mu: config.mu });
    }
  }
}

export interface PoseTremorFilter {
  reset(p: ArrayLike<number>, q: ArrayLike<number>): void;
  step(pIn: ArrayLike<number>, qIn: ArrayLike<number>, pOut: Float64Array, qOut: Float64Array): void;
}

export function createPoseTremorFilter(config: TremorFilterConfig, fs: number): PoseTremorFilter {
  const position = vectorFilter(config, fs);
  const rotation = vectorFilter(config, fs);
  const qRef = Float64Array.of(0, 0, 0, 1);
  const qRel = new Float64Array(4);
  const r = new Float64Array(3);
  const rOut = new Float64Array(3);
  return {
    reset(p, q) {
      position.reset(p);
      qRef.set(q);
      rotation.reset(r.fill(0));
    },
    step(pIn, qIn, pOut, qOut) {
      position.step(pIn, pOut);
      quatMul(qRel, quatConj(qRel, qRef), qIn);
      quatToRotvec(r, qRel);
      rotation.step(r, rOut);
      quatFromRotvec(qRel, rOut);
      quatNormalize(qOut, quatMul(qOut, qRef, qRel));
    },
  };
}

export function describeTremorFilter(config: TremorFilterConfig): string {
  switch (config.type) {
    case 'none': return 'none';
    case 'lowpass': return `lowpass ${config.cutoff_hz} Hz order ${config.order}`;
    case 'adaptive': {
      const b = config.band_hz ?? DEFAULT_BAND_HZ;
      return `adaptive ${b[0]}–${b[1]} Hz`;
    }
  }
}
