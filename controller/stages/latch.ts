// Stage 1 — latch: takes each robot's input sample for this tick. A sample with a non-finite number,
// or outside the master workspace, is rejected here: an event, the last good input held, the safe state.
import { map, type OperatorFunction } from 'rxjs';
import { copyInput, operatorInput, type TickFrame } from '../frame.ts';
import type { InputSource } from '../input-source.ts';
import type { EventLog } from '../events.ts';
import { enterSafeState } from '../safety.ts';

/** Largest operator hand excursion accepted from the start point (m): far beyond any master workspace. */
export const MASTER_WORKSPACE_M = 1.0;

export function latchInput(sources: readonly (InputSource | undefined)[], log: EventLog): OperatorFunction<TickFrame, TickFrame> {
  const scratch = sources.map(() => operatorInput());
  return map((frame) => {
    const robots = frame.robots;
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      rf.fresh = false;
      const src = sources[i];
      if (!src) continue;
      const s = scratch[i];
      if (!src.sample(frame.tick, s)) continue;
      const problem = checkSample(s.p, s.q, s.grip);
      if (problem) {
        log.emit(frame.tick, rf.id, problem.kind, problem.message);
        enterSafeState(rf, log, frame.tick, problem.kind, false);
        continue;
      }
      copyInput(rf.input, s);
      rf.fresh = true;
      rf.lastInputTick = frame.tick;
    }
    return frame;
  });
}

export interface SampleProblem {
  readonly kind: 'non_finite' | 'input_rejected';
  readonly message: string;
}

/** Why a sample is unusable, or null. Allocates only when the sample is bad. */
export function checkSample(p: Float64Array, q: Float64Array, grip: number): SampleProblem | null {
  for (let k = 0; k < 3; k++) if (!Number.isFinite(p[k])) return nonFinite(`non-finite position p[${k}] = ${p[k]}`);
  for (let k = 0; k < 4; k++) if (!Number.isFinite(q[k])) return nonFinite(`non-finite orientation q[${k}] = ${q[k]}`);
  if (!Number.isFinite(grip)) return nonFinite(`non-finite grip = ${grip}`);
  const r = Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
  if (r > MASTER_WORKSPACE_M) {
    return { kind: 'input_rejected', message: `position ${r.toFixed(3)} m from the start, outside the ${MASTER_WORKSPACE_M} m master workspace` };
  }
  const n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  if (Math.abs(n - 1) > 1e-3) return { kind: 'input_rejected', message: `orientation quaternion has norm ${n.toFixed(4)}, expected 1` };
  return null;
}

// At module level: a closure made inside the per-tick check would be allocated every tick.
function nonFinite(message: string): SampleProblem {
  return { kind: 'non_finite', message };
}
