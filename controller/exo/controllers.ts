// The exoskeleton's joint controllers, the ones rehabilitation engineers compare (../shared/REFERENCE.md,
// "Rehabilitation devices and control"):
// - position: full guidance, the drive's position servo follows the reference (Lokomat's original mode);
// - impedance: τ = G·(K·(q* − q) + D·(q̇* − q̇)), guidance G fixed between 0 and 1;
// - path: a tunnel around the reference path in the hip–knee plane with free timing (path-tunnel.ts);
// - aan: impedance whose guidance per joint adapts stride by stride (assist-as-needed.ts).
// In the safe state every drive holds its posture with limited stiffness and torque instead.
// They read the hardware interface and the ExoFrame, and write drive commands; nothing here knows Rapier.
import { map } from 'rxjs';
import type { Stage } from '../loop.ts';
import type { TickFrame } from '../frame.ts';
import { MODE_EFFORT, MODE_POSITION } from '../hardware.ts';
import type { ExoControlConfig, ExoControlType, ExoFrame, ExoSafetyConfig } from './exo-frame.ts';
import type { ReferenceGait } from './normative-gait.ts';
import { AssistAsNeeded } from './assist-as-needed.ts';
import { PathTunnel } from './path-tunnel.ts';
import { clampAbs } from '../../sim/math/clamp.ts';

const DEG = Math.PI / 180;

/** Writes the safe-state hold into the drive commands: posture held with limited stiffness and torque. */
export function applyHold(f: ExoFrame, s: ExoSafetyConfig): void {
  const hw = f.hw;
  const joints = hw.spec.joints;
  for (let j = 0; j < joints.length; j++) {
    const limit = s.holdTorque * joints[j].effort * hw.effortScale[j];
    const raw = s.holdStiffness * (hw.stiffness[j] * (f.qHold[j] - hw.position[j]) - hw.damping[j] * hw.velocity[j]);
    hw.mode[j] = MODE_EFFORT;
    hw.commandEffort[j] = clampAbs(raw, limit);
    f.tauDemand[j] = hw.commandEffort[j];
  }
}

export interface ExoControllerHandle {
  readonly stage: Stage;
  /** The assist-as-needed law, when that is the scenario's controller (its metrics read it). */
  readonly aan?: AssistAsNeeded;
  /** The controller running now (a live `set` may have switched it). */
  readonly type: () => ExoControlType;
  /** The guidance now: the impedance's share, the path's support, aan's starting assistance. */
  readonly guidance: () => number;
}

export function exoController(f: ExoFrame, c: ExoControlConfig, gait: ReferenceGait, safety: ExoSafetyConfig): ExoControllerHandle {
  const hw = f.hw;
  const joints = hw.spec.joints;
  const n = joints.length;
  const initialAan = c.type === 'aan' ? new AssistAsNeeded(c, n, c.guidance) : undefined;
  let aan = initialAan;
  // Path control: one tunnel per leg, for the leg's hip and knee drives.
  const newTunnels = (): PathTunnel[] => [0, 1].map((s) => new PathTunnel(gait, f.phase + 0.5 * s, c.tunnelDeg * DEG, c.tunnelStiffness, c.damping[0]));
  let tunnels = c.type === 'path' ? newTunnels() : [];
  const hipOf = [-1, -1], kneeOf = [-1, -1];
  joints.forEach((j, i) => { if (j.joint === 0) hipOf[j.side] = i; if (j.joint === 1) kneeOf[j.side] = i; });
  // Mutable only through `set` (between ticks); the scenario's config stays as it was.
  let type = c.type;
  let guidance = c.guidance;
  f.guidance.fill(type === 'position' ? 1 : guidance);

  const stage: Stage = map((frame: TickFrame) => {
    if (f.requestControl !== null || !Number.isNaN(f.requestGuidance)) {
      set(f.requestControl ?? type, Number.isNaN(f.requestGuidance) ? undefined : f.requestGuidance);
      f.requestControl = null;
      f.requestGuidance = Number.NaN;
    }
    if (f.safe) {
      applyHold(f, safety);
      return frame;
    }
    const q = hw.position, qd = hw.velocity;
    if (f.realign < 1) {
      // Realigning after a re-enable: a servo to a target that moves from the held posture to the reference.
      for (let j = 0; j < n; j++) {
        const target = f.qHold[j] + f.realign * (f.qRef[f.limbOfDrive[j]] - f.qHold[j]);
        hw.mode[j] = MODE_POSITION;
        hw.commandPosition[j] = target;
        hw.commandVelocity[j] = 0;
        f.tauDemand[j] = hw.stiffness[j] * (target - q[j]) - hw.damping[j] * qd[j];
      }
      return frame;
    }
    // Assist-as-needed: each leg's stride ends at its reference heel strike; the law runs on the stride's error.
    if (aan) {
      for (let j = 0; j < n; j++) {
        if (f.strideStart[joints[j].side] === 1) aan.endStride(j);
        if (f.phaseRate > 0) aan.sample(j, f.qRef[f.limbOfDrive[j]] - q[j]);
        f.guidance[j] = aan.guidance[j];
      }
    }
    if (type === 'position') {
      for (let j = 0; j < n; j++) {
        const l = f.limbOfDrive[j];
        hw.mode[j] = MODE_POSITION;
        hw.commandPosition[j] = f.qRef[l];
        hw.commandVelocity[j] = f.qdRef[l];
        f.tauDemand[j] = hw.stiffness[j] * (f.qRef[l] - q[j]) + hw.damping[j] * (f.qdRef[l] - qd[j]);
      }
      return frame;
    }
    for (let j = 0; j < n; j++) {
      const l = f.limbOfDrive[j], k = joints[j].joint;
      const tau = f.guidance[j] * (c.stiffness[k] * (f.qRef[l] - q[j]) + c.damping[k] * (f.qdRef[l] - qd[j]));
      hw.mode[j] = MODE_EFFORT;
      hw.commandEffort[j] = tau;
      f.tauDemand[j] = tau;
    }
    if (type === 'path') {
      for (let s = 0; s < 2; s++) {
        const h = hipOf[s], k = kneeOf[s];
        if (h < 0 || k < 0) continue;
        const t = tunnels[s];
        // Support only while the device walks; the tunnel always.
        t.step(q[h], q[k], qd[h], qd[k], f.phaseRate > 0 ? c.support * guidance : 0);
        f.pathPhase[s] = t.phase;
        hw.commandEffort[h] = t.tauHip;
        hw.commandEffort[k] = t.tauKnee;
        f.tauDemand[h] = t.tauHip;
        f.tauDemand[k] = t.tauKnee;
      }
    }
    return frame;
  });
  // Switches controller and/or guidance at the start of a tick (`requestExoSetting`). Every controller writes every
  // drive's command on every tick, so the switch takes effect whole at once; the safe state and the realignment
  // still come first. Allocates (a new law or tunnel) only here, never on an ordinary tick.
  function set(next: ExoControlType, g: number | undefined): void {
    if (g !== undefined) guidance = g;
    // A law or tunnel that starts now starts from the legs' present phase and the guidance asked for.
    if (next !== 'aan') aan = undefined;
    else if (!aan) aan = new AssistAsNeeded(c, n, guidance);
    else if (g !== undefined) aan.guidance.fill(g);
    if (next === 'path' && type !== 'path') tunnels = newTunnels();
    type = next;
    f.guidance.fill(type === 'position' ? 1 : guidance);
  }
  return { stage, aan: initialAan, type: () => type, guidance: () => guidance };
}

/**
 * Asks the exoskeleton's controller to switch controller and/or guidance at its next tick (a scenario's `set`
 * event or a live one: both go through the frame, so a live session's recording replays them at the same tick).
 * Returns what changes, for the event log.
 */
export function requestExoSetting(f: ExoFrame, type: ExoControlType | undefined, guidance: number | undefined): string {
  if (type !== undefined) f.requestControl = type;
  if (guidance !== undefined) f.requestGuidance = guidance;
  return describeExoSetting(type, guidance);
}

/** "controller aan, guidance 0.8": what a `set` changes. */
export function describeExoSetting(type: ExoControlType | undefined, guidance: number | undefined): string {
  return [type !== undefined ? `controller ${type}` : '', guidance !== undefined ? `guidance ${guidance}` : ''].filter(Boolean).join(', ');
}
