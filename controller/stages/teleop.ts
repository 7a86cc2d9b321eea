// Stage 4 — teleoperation as in the dVRK: DISABLED → ALIGNING → ENABLED. Position is relative and scaled,
// psm = psm0 + scale·R_map·(mtm − mtm0); orientation is absolute with the offset captured when following
// starts; the clutch frees translation (the arm holds) and re-captures both offsets on release; the
// gripper drives the jaw under the jaw rate limit (36°/s right after a clutch, 360°/s otherwise).
// A new scale (`requestScale`) or tremor filter (`recapture`) while following re-captures the offsets at the
// current command, as the dVRK does when the scale changes: the instrument carries on from where it is.
import { map, type OperatorFunction } from 'rxjs';
import { TELEOP_ALIGNING, TELEOP_ENABLED, type TickFrame } from '../frame.ts';
import type { EventLog } from '../events.ts';
import type { DhChain } from '../kinematics/dh-chain.ts';
import { mat4, mat4FromPose, mat4ToQuat } from '../../sim/math/mat4.ts';
import { quatAngle, quatConj, quatMul, quatRotateVec } from '../../sim/math/quat.ts';

const deg = Math.PI / 180;
export const JAW_RATE = 360 * deg;
export const JAW_RATE_AFTER_CLUTCH = 36 * deg;
export const ALIGN_TOLERANCE = 5 * deg;

export interface TeleopConfig {
  /** Motion scale: instrument moves `scale` × the hand (dVRK default 0.2). */
  readonly scale: number;
  /** Rotation from the master (operator view) frame to the robot base frame, [x,y,z,w]. */
  readonly masterToBase: readonly [number, number, number, number];
  /**
   * When true, following starts only once the operator's hand orientation is within 5° of the instrument's
   * (the dVRK's ALIGNING_MTM); when false the offset is captured at once.
   */
  readonly requireAlignment: boolean;
  /** Jaw angle (rad) for grip = 1; grip maps linearly, grip −0.5 squeezes to the lower limit. */
  readonly jawPerGrip: number;
}

export const DEFAULT_TELEOP: TeleopConfig = { scale: 0.2, masterToBase: [0, 0, 0, 1], requireAlignment: false, jawPerGrip: 80 * deg };

interface TeleopMemory {
  readonly mtm0: Float64Array;
  readonly psm0: Float64Array;
  /** R_target = R_off · R_map · R_mtm */
  readonly qOff: Float64Array;
  readonly qTip: Float64Array;
  wasClutched: boolean;
  slowJaw: boolean;
}

export function teleoperation(configs: readonly TeleopConfig[], chains: readonly (DhChain | undefined)[], log: EventLog): OperatorFunction<TickFrame, TickFrame> {
  const mem: TeleopMemory[] = configs.map(() => ({
    mtm0: new Float64Array(3), psm0: new Float64Array(3), qOff: Float64Array.of(0, 0, 0, 1), qTip: new Float64Array(4),
    wasClutched: false, slowJaw: false,
  }));
  // The master-to-base rotations as Float64Arrays, like every other quaternion the helpers see here: a plain
  // array at the same call sites makes their element loads polymorphic, a generic keyed load every tick.
  const toBase = configs.map((c) => Float64Array.from(c.masterToBase));
  /** The motion scale in use per robot: the config's, until a `requestScale` changes it. */
  const scales = Float64Array.from(configs, (c) => c.scale);
  const tip = mat4();
  const qm = new Float64Array(4);
  const qt = new Float64Array(4);
  const v = new Float64Array(3);

  /** Captures the offsets so that following starts with no jump: at the current command. */
  function capture(i: number, frame: TickFrame): void {
    const rf = frame.robots[i];
    const m = mem[i];
    const chain = chains[i]!;
    chain.fk(rf.qCommand, tip);
    m.psm0[0] = tip[3]; m.psm0[1] = tip[7]; m.psm0[2] = tip[11];
    m.mtm0[0] = rf.filteredP[0]; m.mtm0[1] = rf.filteredP[1]; m.mtm0[2] = rf.filteredP[2];
    mat4ToQuat(m.qTip, tip);
    mappedMaster(i, rf.filteredQ, qm);
    quatMul(m.qOff, m.qTip, quatConj(qt, qm));
    rf.targetTip.set(tip);
  }

  function mappedMaster(i: number, q: ArrayLike<number>, out: Float64Array): void {
    quatMul(out, toBase[i], q);
  }

  return map((frame) => {
    const robots = frame.robots;
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      const cfg = configs[i];
      const m = mem[i];
      let recapture = rf.recapture;
      rf.recapture = false;
      if (!Number.isNaN(rf.requestScale)) {
        scales[i] = rf.requestScale;
        rf.requestScale = Number.NaN;
        recapture = true;
      }
      if (!chains[i] || rf.safe) continue;
      if (recapture && rf.teleop === TELEOP_ENABLED && !rf.clutched) capture(i, frame);
      const clutch = rf.input.clutch;
      if (clutch !== rf.clutched) {
        rf.clutched = clutch;
        log.emit(frame.tick, rf.id, 'clutch', clutch ? 'clutch pressed: instrument holds, hand free' : 'clutch released: re-aligning');
        // Coming back from the clutch the dVRK re-aligns: ALIGNING captures new offsets next.
        if (!clutch && rf.teleop === TELEOP_ENABLED) {
          rf.teleop = TELEOP_ALIGNING;
          m.slowJaw = true;
        }
      }
      if (rf.teleop === TELEOP_ALIGNING && !rf.clutched) {
        let aligned = true;
        if (cfg.requireAlignment) {
          chains[i]!.fk(rf.qCommand, tip);
          mat4ToQuat(qt, tip);
          mappedMaster(i, rf.filteredQ, qm);
          aligned = quatAngle(qt, qm) <= ALIGN_TOLERANCE;
        }
        if (aligned) {
          capture(i, frame);
          rf.teleop = TELEOP_ENABLED;
          log.emit(frame.tick, rf.id, 'teleop_state', 'ENABLED: following');
        }
      }
      if (rf.teleop !== TELEOP_ENABLED || rf.clutched) continue;

      // Position: relative and scaled, mapped into the base frame.
      v[0] = rf.filteredP[0] - m.mtm0[0]; v[1] = rf.filteredP[1] - m.mtm0[1]; v[2] = rf.filteredP[2] - m.mtm0[2];
      quatRotateVec(v, toBase[i], v);
      const p = rf.targetTip;
      // Orientation: absolute with the captured offset.
      mappedMaster(i, rf.filteredQ, qm);
      quatMul(qt, m.qOff, qm);
      const scale = scales[i];
      v[0] = m.psm0[0] + scale * v[0]; v[1] = m.psm0[1] + scale * v[1]; v[2] = m.psm0[2] + scale * v[2];
      mat4FromPose(p, v, qt);

      // Jaw: gripper ratio, rate-limited.
      const want = rf.input.grip * cfg.jawPerGrip;
      const rate = (m.slowJaw ? JAW_RATE_AFTER_CLUTCH : JAW_RATE) * frame.dt;
      const d = want - rf.targetJaw;
      if (Math.abs(d) <= rate) {
        rf.targetJaw = want;
        m.slowJaw = false;
      } else {
        rf.targetJaw += d > 0 ? rate : -rate;
      }
    }
    return frame;
  });
}
