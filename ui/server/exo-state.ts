// The exoskeleton's part of the `state` message (protocol.ts ExoState): segment poses from the patient's physics
// bodies, limb and drive angles, the reference, assistance, interaction torques, gait phase, belt, controller.
// Built at 60 Hz between two ticks (it may allocate; the tick does not), rounded to keep the JSON short.
import type { ExoState } from '../protocol.ts';
import type { PreparedRun } from '../../scenarios/runner.ts';
import { SimExo } from '../../sim/exo/sim-exo.ts';
import { round } from '../../scenarios/round.ts';

const r5 = (x: number): number => round(x, 5);
const r3 = (x: number): number => round(x, 3);
const pose = new Float64Array(7);

export function exoState(run: PreparedRun): ExoState | undefined {
  const exo = run.exo, f = run.exoFrame;
  if (!exo || !f) return undefined;
  const sim = exo.sim;
  const segments: number[] = [];
  for (let i = 0; i < SimExo.BODY_NAMES.length; i++) {
    sim.bodyPose(i, pose);
    for (let k = 0; k < 7; k++) segments.push(r5(pose[k]));
  }
  const strides = Math.floor(f.phase);
  return {
    id: sim.id,
    segments,
    limbQ: Array.from(sim.limbQ, r5),
    qRef: Array.from(f.qRef, r5),
    driveQ: Array.from(sim.position, r5),
    guidance: Array.from(f.guidance, r3),
    interactionTorque: Array.from(sim.interactionTorque, r3),
    effort: Array.from(sim.effort, r3),
    phase: r5(f.phase - strides),
    strides,
    walking: f.phaseRate > 0,
    footContact: Array.from(sim.footContact, (c) => c === 1),
    beltSpeed: r5(sim.beltSpeed),
    beltTravel: r5(sim.beltTravel),
    controller: exo.controller.type(),
    guidanceSetting: r3(exo.controller.guidance()),
    safe: f.safe,
  };
}
