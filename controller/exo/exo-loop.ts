// The exoskeleton's control loop, wired in one place (the same shape as loop.ts for the arms):
//
//   timeline ─► supervisor ─► intent ─► gait generator ─► controller ─► [user stages] ─► patient ─► physics ─► monitors ─► [taps]
//
// The patient stage is the simulated human (muscle torques, intent signals): part of the plant, so it runs right
// before the physics step; a real device has no such stage. Each stage is an RxJS operator made per run.
import { pipeStages, type Stage } from '../loop.ts';
import type { Plant } from '../stages/physics.ts';
import { physicsStep } from '../stages/physics.ts';

export interface ExoLoopConfig {
  readonly timeline?: Stage;
  readonly supervisor: Stage;
  readonly intent: Stage;
  readonly gait: Stage;
  readonly controller: Stage;
  /** A user's controller: operators after the built-in one, before the drives are commanded. */
  readonly userStages?: readonly Stage[];
  readonly patient?: Stage;
  readonly plant: Plant;
  readonly monitors: Stage;
  readonly taps?: readonly Stage[];
}

export function exoControlLoop(c: ExoLoopConfig): Stage {
  return pipeStages([
    ...(c.timeline ? [c.timeline] : []),
    c.supervisor,
    c.intent,
    c.gait,
    c.controller,
    ...(c.userStages ?? []),
    ...(c.patient ? [c.patient] : []),
    physicsStep(c.plant),
    c.monitors,
    ...(c.taps ?? []),
  ]);
}
