// Stage 7 — the physics step, behind a narrow interface: commands in, one fixed step, states out.
import { map, type OperatorFunction } from 'rxjs';
import type { TickFrame } from '../frame.ts';

export interface Plant {
  /** Writes every robot's commands, advances one `dt`, reads every robot's state back. */
  step(): void;
}

export function physicsStep(plant: Plant): OperatorFunction<TickFrame, TickFrame> {
  return map((frame) => {
    plant.step();
    return frame;
  });
}
