// Metrics of a run, computed from what happened in it: a tap after the physics step records per tick
// into preallocated arrays, and `finish` turns them into the numbers of result.json.
import { map } from 'rxjs';
import type { Stage } from '../../controller/loop.ts';
import type { DhChain } from '../../controller/kinematics/dh-chain.ts';
import type { SimRobot } from '../../sim/robot.ts';
import type { SimObject } from '../../sim/environment.ts';
import type { EventLog } from '../../controller/events.ts';
import { TELEOP_ENABLED } from '../../controller/frame.ts';
import { mat4 } from '../../sim/math/mat4.ts';
import { tremorAttenuationDb, voluntaryLagMs } from './tremor-metrics.ts';
import { round } from '../round.ts';

export const TREMOR_BAND_HZ: readonly [number, number] = [6, 14];
export const VOLUNTARY_CUTOFF_HZ = 2;

interface RobotRecord {
  readonly robot: SimRobot;
  readonly chain: DhChain | undefined;
  readonly handIn: Float64Array[];
  readonly filtered: Float64Array[];
  tipSq: number;
  tipCount: number;
  rcmMax: number;
  path: number;
  readonly lastTip: Float64Array;
  hasLast: boolean;
  maxForce: number;
  trackMaxRad: number;
  /** Per target: 1 once the tool tip has been inside it. */
  readonly entered: Uint8Array;
  /** Per joint: 1 for a revolute joint (the tracking error in degrees counts those). */
  readonly revolute: Uint8Array;
  reached: number;
}

/** A target region: a sphere in the world frame. */
export interface TargetRegion {
  readonly id: string;
  readonly position: readonly [number, number, number];
  readonly radius: number;
}

export interface RunMetricsOptions {
  /** Target regions; `<robot>.targets_reached` counts those the tool tip entered. */
  readonly targets?: readonly TargetRegion[];
  /** Where `target_reached` events go (the first entry of each robot into each target). */
  readonly log?: EventLog;
  /** Scene objects; each gets `<object>.final_x_mm` … (OBJECT_METRIC_NAMES in schema.ts). */
  readonly objects?: readonly SimObject[];
}

interface ObjectRecord {
  readonly object: SimObject;
  /** Centre height at the start and the highest it reached, m. */
  readonly z0: number;
  maxZ: number;
}

export class RunMetrics {
  private readonly records: RobotRecord[];
  private readonly dt: number;
  private n = 0;
  private readonly tip = new Float64Array(3);
  private readonly m2 = mat4();
  private readonly targets: readonly TargetRegion[];
  private readonly log: EventLog | undefined;
  private tick = 0;
  private readonly objectRecords: ObjectRecord[];
  private readonly freeObjects: ObjectRecord[];
  private readonly v = { x: 0, y: 0, z: 0 };

  constructor(robots: readonly SimRobot[], chains: readonly (DhChain | undefined)[], ticks: number, dt: number, options: RunMetricsOptions = {}) {
    this.dt = dt;
    this.targets = options.targets ?? [];
    this.log = options.log;
    this.records = robots.map((robot, i) => ({
      robot,
      chain: chains[i],
      handIn: [0, 1, 2].map(() => new Float64Array(ticks)),
      filtered: [0, 1, 2].map(() => new Float64Array(ticks)),
      tipSq: 0, tipCount: 0, rcmMax: 0, path: 0, lastTip: new Float64Array(3), hasLast: false, maxForce: 0, trackMaxRad: 0,
      entered: new Uint8Array(this.targets.length), reached: 0,
      revolute: Uint8Array.from(robot.spec.joints, (j) => (j.type === 'revolute' ? 1 : 0)),
    }));
    // Only free objects move: a fixed one's height is its start (and reading a body is a call into WASM each tick).
    this.objectRecords = (options.objects ?? []).map((object) => ({ object, z0: object.spec.position[2], maxZ: object.spec.position[2] }));
    this.freeObjects = this.objectRecords.filter((o) => !o.object.spec.fixed);
  }

  /** The tap for the loop. */
  stage(): Stage {
    return map((frame) => {
      const k = this.n;
      const cap = this.records.length > 0 ? this.records[0].handIn[0].length : 0;
      this.tick = frame.tick;
      for (let i = 0; i < this.records.length; i++) {
        const rec = this.records[i];
        const rf = frame.robots[i];
        if (k < cap) {
          for (let a = 0; a < 3; a++) {
            rec.handIn[a][k] = rf.input.p[a];
            rec.filtered[a][k] = rf.filteredP[a];
          }
        }
        this.sampleRobot(rec, rf.qCommand, rf.teleop === TELEOP_ENABLED && !rf.safe && !rf.ikLimited ? rf.targetTip : null);
      }
      for (let i = 0; i < this.freeObjects.length; i++) {
        const o = this.freeObjects[i];
        const z = o.object.body.translation(this.v).z;
        if (z > o.maxZ) o.maxZ = z;
      }
      this.n++;
      return frame;
    });
  }

  /** `commandedTip`: the IK target when the IK just met it (equal to FK of the command to 0.1 µm), else null. */
  private sampleRobot(rec: RobotRecord, qCommand: Float64Array, commandedTip: Float64Array | null): void {
    const robot = rec.robot;
    const spec = robot.spec;
    // Tool tip from the physics bodies vs the tip the joint command implies.
    const tip = robot.tipPosition(this.tip);
    if (rec.chain) {
      const local = commandedTip ?? rec.chain.fk(qCommand, this.m2);
      // Only the commanded tip's position is needed: base · local translation.
      const b = robot.base, lx = local[3], ly = local[7], lz = local[11];
      const dx = tip[0] - (b[0] * lx + b[1] * ly + b[2] * lz + b[3]);
      const dy = tip[1] - (b[4] * lx + b[5] * ly + b[6] * lz + b[7]);
      const dz = tip[2] - (b[8] * lx + b[9] * ly + b[10] * lz + b[11]);
      rec.tipSq += dx * dx + dy * dy + dz * dz;
      rec.tipCount++;
    }
    if (rec.hasLast) {
      const ex = tip[0] - rec.lastTip[0], ey = tip[1] - rec.lastTip[1], ez = tip[2] - rec.lastTip[2];
      rec.path += Math.sqrt(ex * ex + ey * ey + ez * ez); // not Math.hypot: it allocates, and this runs every tick
    }
    rec.lastTip[0] = tip[0]; rec.lastTip[1] = tip[1]; rec.lastTip[2] = tip[2];
    rec.hasLast = true;
    const targets = this.targets;
    for (let k = 0; k < targets.length; k++) {
      if (rec.entered[k] === 1) continue;
      const c = targets[k].position, r = targets[k].radius;
      const ex = tip[0] - c[0], ey = tip[1] - c[1], ez = tip[2] - c[2];
      if (ex * ex + ey * ey + ez * ez <= r * r) {
        rec.entered[k] = 1;
        rec.reached++;
        this.log?.emit(this.tick, robot.id, 'target_reached', `tool tip entered target '${targets[k].id}' (${rec.reached} of ${targets.length})`, rec.reached);
      }
    }
    // Distance of the RCM point from the shaft axis (a line along z of the shaft link, from the bodies).
    const s = robot.linkPose(spec.shaftLink, this.m2);
    const rx = robot.base[3] - s[3], ry = robot.base[7] - s[7], rz = robot.base[11] - s[11];
    const ax = s[2], ay = s[6], az = s[10];
    const along = rx * ax + ry * ay + rz * az;
    const d = Math.sqrt(Math.max(0, rx * rx + ry * ry + rz * rz - along * along));
    if (d > rec.rcmMax) rec.rcmMax = d;
    if (robot.contactForce > rec.maxForce) rec.maxForce = robot.contactForce;
    const revolute = rec.revolute;
    for (let j = 0; j < revolute.length; j++) {
      if (revolute[j] !== 1) continue;
      const e = Math.abs(qCommand[j] - robot.position[j]);
      if (e > rec.trackMaxRad) rec.trackMaxRad = e;
    }
  }

  /** Metric name → value, per robot (`<id>.<metric>`), rounded to what a person can read. */
  finish(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const rec of this.records) {
      const id = rec.robot.id;
      const n = Math.min(this.n, rec.handIn[0].length);
      const hand = rec.handIn.map((a) => a.subarray(0, n));
      const filt = rec.filtered.map((a) => a.subarray(0, n));
      out[`${id}.tip_tracking_rmse_mm`] = round(1000 * Math.sqrt(rec.tipSq / Math.max(1, rec.tipCount)), 4);
      out[`${id}.rcm_error_max_mm`] = round(1000 * rec.rcmMax, 4);
      out[`${id}.path_length_mm`] = round(1000 * rec.path, 3);
      out[`${id}.max_tip_force_n`] = round(rec.maxForce, 4);
      out[`${id}.tracking_error_max_deg`] = round((rec.trackMaxRad * 180) / Math.PI, 4);
      out[`${id}.tremor_attenuation_db`] = round(tremorAttenuationDb(hand, filt, this.dt, TREMOR_BAND_HZ), 3);
      out[`${id}.filter_lag_ms`] = round(voluntaryLagMs(hand, filt, this.dt, VOLUNTARY_CUTOFF_HZ), 3);
      out[`${id}.targets_reached`] = rec.reached;
    }
    // Per object: where its centre ended, how high it went and how far above its start (a lift).
    for (const o of this.objectRecords) {
      const id = o.object.spec.id, p = o.object.body.translation();
      out[`${id}.final_x_mm`] = round(1000 * p.x, 3);
      out[`${id}.final_y_mm`] = round(1000 * p.y, 3);
      out[`${id}.final_z_mm`] = round(1000 * p.z, 3);
      out[`${id}.max_z_mm`] = round(1000 * o.maxZ, 3);
      out[`${id}.max_lift_mm`] = round(1000 * (o.maxZ - o.z0), 3);
    }
    return out;
  }
}
