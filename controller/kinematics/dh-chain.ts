// A serial chain described by a modified-DH (Craig) table: forward kinematics, the geometric Jacobian of the
// tool tip, and a damped-least-squares inverse kinematics that respects joint limits.
//
// Everything per tick is allocation-free: the chain owns its Float64Arrays (frames, Jacobian, solver scratch)
// and `fk`, `frames`, `jacobian`, `ik` write into them or into caller-given outputs. One chain instance
// serves one arm in one run; its methods are not re-entrant (they share the scratch).
import type { DhRow, Rows4 } from '../../sim/robot-spec.ts';
import { mat4FromRows, mat4Mul, type Mat4 } from '../../sim/math/mat4.ts';
import { solveDamped6 } from './linalg.ts';
import { PoseError } from './pose-error.ts';

export interface JointLimits {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

export interface DhChainOptions {
  /** The IK keeps joint `joint` (a prismatic insertion) at or above `value` (m), on top of its lower limit. */
  readonly minInsertion?: { readonly joint: number; readonly value: number };
}

export interface IkOptions {
  /**
   * Most Jacobian steps to take, rejected ones included (default 20). Each costs about two `fk`s.
   * 0 only evaluates the (clamped) seed's error.
   */
  readonly maxIterations?: number;
  /** Position tolerance, m (default 1e-7). */
  readonly tolerance?: number;
  /** Orientation tolerance, rad (default 1e-6). */
  readonly orientationTolerance?: number;
  /** Metres per radian: how much one radian of orientation error weighs against one metre (default 0.1). */
  readonly orientationWeight?: number;
  /** Smallest damping λ of the damped least squares (default 1e-4, in the weighted units). */
  readonly lambda?: number;
  /**
   * Take the last allowed step without evaluating it (saves one FK). For a loop that calls the IK every tick
   * with a target a few µm away: Gauss–Newton converges quadratically there, and the next tick corrects what
   * is left. The reported errors are then those before that step (an upper bound). Default false.
   */
  readonly trustLastStep?: boolean;
}

export interface IkResult {
  /** Position and orientation errors both within tolerance. */
  converged: boolean;
  /** Jacobian steps taken (0 when the seed already met the tolerance). */
  iterations: number;
  /** |p_target − p_result|, m (Infinity when the target is not a finite pose). */
  positionError: number;
  /** Angle of R_target·R_resultᵀ, rad (Infinity when the target is not a finite pose). */
  orientationError: number;
  /** A joint limit (or the minimum insertion) was binding on the last step, or clamped the seed. */
  limited: boolean;
}

const DEFAULT_MAX_ITERATIONS = 20;
const DEFAULT_TOLERANCE = 1e-7;
const DEFAULT_ORIENTATION_TOLERANCE = 1e-6;
const DEFAULT_ORIENTATION_WEIGHT = 0.1;
const DEFAULT_LAMBDA = 1e-4;
/** Largest change of one joint in one step (rad, m): a trust region against wild Gauss–Newton steps. */
const MAX_STEP_REVOLUTE = 0.5;
const MAX_STEP_PRISMATIC = 0.05;
/** Damping beyond which no step can make progress any more (weighted units). */
const MAX_LAMBDA2 = 1e6;
/** An accepted step smaller than this (rad or m, largest joint) means the solver has stalled. */
const STALL_STEP = 1e-12;
/** A step that changes the squared error by less than this fraction of it means the same. */
const STALL_COST = 1e-12;
/** Slack when deciding that a joint sits at a bound. */
const BOUND_EPS = 1e-12;

export class DhChain {
  /** Number of joints in the chain. */
  readonly dof: number;
  readonly rows: readonly DhRow[];
  /** The joint limits as given (the IK also applies `minInsertion`). */
  readonly limits: JointLimits;
  readonly minInsertion: { readonly joint: number; readonly value: number } | undefined;

  private readonly prismatic: Uint8Array;
  private readonly tool: Mat4;
  /** Bounds the IK clamps to: the limits, with the minimum insertion folded into the lower one. */
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  /** cos α and sin α of each DH row (constant per chain). */
  private readonly cosAlpha: Float64Array;
  private readonly sinAlpha: Float64Array;

  // Two frame buffers (n + 2 poses each: frames 0..n and the tool tip), so the IK can evaluate a trial
  // configuration without losing the current one; `cur` is what `frame(i)` shows.
  private cur: Float64Array[];
  private alt: Float64Array[];
  // The joint values each buffer holds the frames of (NaN: none). Asked for the frames of the configuration `cur`
  // already holds, the chain reuses them: in the loop the gravity model computes them at the joint command, and
  // the next tick's IK starts from that same command.
  private curAt: Float64Array;
  private altAt: Float64Array;

  // IK scratch.
  private readonly jac: Float64Array;
  private readonly jw: Float64Array;
  private readonly x = new Float64Array(6);
  private err = new Float64Array(6);
  private errTrial = new Float64Array(6);
  private readonly ew = new Float64Array(6);
  private qCur: Float64Array;
  private qTrial: Float64Array;
  private readonly dq: Float64Array;
  private readonly poseError = new PoseError();
  private readonly result: IkResult = { converged: false, iterations: 0, positionError: 0, orientationError: 0, limited: false };

  constructor(dh: readonly DhRow[], toolTip: Rows4, limits: JointLimits, options: DhChainOptions = {}) {
    const n = dh.length;
    if (n < 1) throw new Error('DhChain: the DH table is empty');
    if (n > 30) throw new Error('DhChain: more than 30 joints');
    if (limits.lower.length !== n || limits.upper.length !== n) {
      throw new Error(`DhChain: ${n} DH rows but ${limits.lower.length} lower and ${limits.upper.length} upper limits`);
    }
    if (toolTip.length !== 4 || toolTip.some((r) => r.length !== 4)) throw new Error('DhChain: toolTip must be 4×4');
    this.dof = n;
    this.rows = dh.map((r) => ({ ...r }));
    this.limits = { lower: [...limits.lower], upper: [...limits.upper] };
    this.prismatic = new Uint8Array(n);
    this.lo = new Float64Array(n);
    this.hi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.prismatic[i] = dh[i].type === 'prismatic' ? 1 : 0;
      const lo = limits.lower[i], hi = limits.upper[i];
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
        throw new Error(`DhChain: joint ${i} (${dh[i].joint}) has bad limits [${lo}, ${hi}]`);
      }
      this.lo[i] = lo;
      this.hi[i] = hi;
    }
    const mi = options.minInsertion;
    if (mi !== undefined) {
      if (!Number.isInteger(mi.joint) || mi.joint < 0 || mi.joint >= n || this.prismatic[mi.joint] !== 1) {
        throw new Error(`DhChain: minInsertion joint ${mi.joint} is not a prismatic joint of the chain`);
      }
      if (!(mi.value <= this.hi[mi.joint])) throw new Error(`DhChain: minInsertion ${mi.value} is above the upper limit`);
      this.lo[mi.joint] = Math.max(this.lo[mi.joint], mi.value);
      this.minInsertion = { joint: mi.joint, value: mi.value };
    }
    this.tool = mat4FromRows(toolTip);
    this.cosAlpha = Float64Array.from(dh, (r) => Math.cos(r.alpha));
    this.sinAlpha = Float64Array.from(dh, (r) => Math.sin(r.alpha));
    this.cur = makeFrames(n + 2);
    this.alt = makeFrames(n + 2);
    this.curAt = new Float64Array(n).fill(Number.NaN);
    this.altAt = new Float64Array(n).fill(Number.NaN);
    this.jac = new Float64Array(6 * n);
    this.jw = new Float64Array(6 * n);
    this.qCur = new Float64Array(n);
    this.qTrial = new Float64Array(n);
    this.dq = new Float64Array(n);
  }

  /** Lower bound the IK clamps joint i to (the limit, or the minimum insertion if higher). */
  ikLower(i: number): number {
    return this.lo[i];
  }

  /** Upper bound the IK clamps joint i to. */
  ikUpper(i: number): number {
    return this.hi[i];
  }

  /**
   * Writes q clamped to the IK bounds into `out` (may be `q` itself); a non-finite entry becomes the
   * bound nearest 0. Returns true if anything changed.
   */
  clamp(q: ArrayLike<number>, out: Float64Array): boolean {
    let changed = false;
    for (let i = 0; i < this.dof; i++) {
      const v = q[i];
      let c = v;
      if (!Number.isFinite(v)) c = Math.min(this.hi[i], Math.max(this.lo[i], 0));
      else if (v < this.lo[i]) c = this.lo[i];
      else if (v > this.hi[i]) c = this.hi[i];
      if (c !== v) changed = true;
      out[i] = c;
    }
    return changed;
  }

  /**
   * Computes all frame poses for q into the chain's buffers: frame 0 (identity, the base / RCM) … frame n,
   * then the tool tip. Read them with `frame(i)` and `tip()`. Asked again for the same q (every joint value
   * equal), as by any of `frames`, `fk`, `jacobian` and the IK's start, the chain keeps the frames it has.
   */
  frames(q: ArrayLike<number>): void {
    this.framesAt(q);
  }

  /**
   * Pose of DH frame i (0…dof) in frame 0 from the last `frames`/`fk`/`jacobian`/`ik` call, row-major 4×4.
   * The array is the chain's own and valid until the next call on the chain: copy it to keep it.
   */
  frame(i: number): Float64Array {
    if (!(i >= 0 && i <= this.dof)) throw new RangeError(`DhChain.frame: ${i} is not in 0…${this.dof}`);
    return this.cur[i];
  }

  /** Tool-tip pose from the last `frames`/`fk`/`jacobian`/`ik` call (the chain's own array). */
  tip(): Float64Array {
    return this.cur[this.dof + 1];
  }

  /** Tool-tip pose in frame 0 = Π T_i(q_i) · toolTip, into `out` (16, row-major). Also refreshes `frame(i)`. */
  fk(q: ArrayLike<number>, out: Float64Array): Float64Array {
    this.framesAt(q);
    out.set(this.cur[this.dof + 1]);
    return out;
  }

  /**
   * Geometric Jacobian of the tool tip in frame 0 into `out` (6 × dof, row-major), rows [v; ω]:
   * revolute column [z_i × (p_tip − p_i); z_i], prismatic [z_i; 0], with z_i, p_i of DH frame i
   * (modified DH: joint i moves about/along z of frame i). Also refreshes `frame(i)`.
   */
  jacobian(q: ArrayLike<number>, out: Float64Array): Float64Array {
    this.framesAt(q);
    this.jacobianFromFrames(this.cur, out);
    return out;
  }

  /**
   * Inverse kinematics by damped least squares (Levenberg–Marquardt): from qSeed (clamped to the bounds),
   * step Δq = Jᵀ(J Jᵀ + λ²I)⁻¹ e with e = [Δp; w·Δr] (orientation rows weighted by `orientationWeight`),
   * clamp each iterate to the joint limits and the minimum insertion, accept a step only if it lowers
   * |e|² (else raise λ tenfold and retry; lower it again after a success). A joint at a bound that the
   * step pushes outward is frozen for that step, so the other joints do the best they can.
   *
   * Writes the solution into qOut (which may be qSeed) and returns the chain's own result object,
   * overwritten by the next call. After it, `frame(i)` and `tip()` hold the solution's frames (with
   * `trustLastStep`, those of the configuration before the last step).
   */
  ik(target: Float64Array, qSeed: ArrayLike<number>, qOut: Float64Array, options?: IkOptions): IkResult {
    const n = this.dof;
    const maxIterations = options?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    const tolerance = options?.tolerance ?? DEFAULT_TOLERANCE;
    const orientationTolerance = options?.orientationTolerance ?? DEFAULT_ORIENTATION_TOLERANCE;
    const w = options?.orientationWeight ?? DEFAULT_ORIENTATION_WEIGHT;
    const lambda = options?.lambda ?? DEFAULT_LAMBDA;
    const lambda2Min = Math.max(lambda * lambda, 1e-24);
    const w2 = w * w;
    const res = this.result;
    res.converged = false;
    res.iterations = 0;

    let q = this.qCur;
    let limited = this.clamp(qSeed, q);
    if (!isFiniteMat(target)) {
      this.framesAt(q);
      for (let i = 0; i < n; i++) qOut[i] = q[i];
      res.positionError = Infinity;
      res.orientationError = Infinity;
      res.limited = limited;
      return res;
    }

    this.framesAt(q);
    this.poseError.compute(this.err, target, this.cur[n + 1]);
    let posErr = norm3(this.err, 0);
    let oriErr = norm3(this.err, 3);
    let cost = posErr * posErr + w2 * oriErr * oriErr;
    let lambda2 = lambda2Min;
    let iterations = 0;
    let jacobianFresh = false;

    while (!(posErr <= tolerance && oriErr <= orientationTolerance) && iterations < maxIterations) {
      iterations++;
      if (!jacobianFresh) {
        this.jacobianFromFrames(this.cur, this.jac);
        jacobianFresh = true;
      }
      const stepLimited = this.dampedStep(q, w, lambda2);

      // Trial configuration, clamped.
      const qt = this.qTrial;
      const dq = this.dq;
      let clamped = false;
      let stepMax = 0;
      for (let i = 0; i < n; i++) {
        let v = q[i] + dq[i];
        if (v < this.lo[i]) { v = this.lo[i]; clamped = true; }
        else if (v > this.hi[i]) { v = this.hi[i]; clamped = true; }
        qt[i] = v;
        const s = Math.abs(v - q[i]);
        if (s > stepMax) stepMax = s;
      }
      limited = stepLimited || clamped;

      if (options?.trustLastStep && iterations === maxIterations) {
        this.qTrial = q; q = qt; this.qCur = q;
        break;
      }
      this.computeFrames(qt, this.alt, this.altAt);
      this.poseError.compute(this.errTrial, target, this.alt[n + 1]);
      const pt = norm3(this.errTrial, 0);
      const ot = norm3(this.errTrial, 3);
      const costTrial = pt * pt + w2 * ot * ot;

      // No measurable change (a least-squares minimum, e.g. an unreachable target): stop.
      const stalled = stepMax < STALL_STEP || Math.abs(cost - costTrial) <= STALL_COST * cost;
      if (costTrial < cost) {
        // Accept: the trial becomes current.
        this.qTrial = q; q = qt; this.qCur = q;
        const f = this.cur; this.cur = this.alt; this.alt = f;
        const at = this.curAt; this.curAt = this.altAt; this.altAt = at;
        const e = this.err; this.err = this.errTrial; this.errTrial = e;
        posErr = pt; oriErr = ot; cost = costTrial;
        jacobianFresh = false;
        lambda2 = Math.max(lambda2Min, lambda2 * 0.1);
        if (stalled) break;
      } else {
        lambda2 *= 10;
        if (stalled || lambda2 > MAX_LAMBDA2) break;
      }
    }

    for (let i = 0; i < n; i++) qOut[i] = q[i];
    res.converged = posErr <= tolerance && oriErr <= orientationTolerance;
    res.iterations = iterations;
    res.positionError = posErr;
    res.orientationError = oriErr;
    res.limited = limited;
    return res;
  }

  /**
   * One damped-least-squares step from q into this.dq, using this.jac and this.err. Joints at a bound that
   * the step would push further out are frozen (their column zeroed) and the step solved again.
   * Returns true if any joint was frozen.
   */
  private dampedStep(q: Float64Array, w: number, lambda2: number): boolean {
    const n = this.dof;
    const jw = this.jw, ew = this.ew, dq = this.dq;
    for (let r = 0; r < 6; r++) {
      const s = r < 3 ? 1 : w;
      ew[r] = s * this.err[r];
      for (let c = 0; c < n; c++) jw[r * n + c] = s * this.jac[r * n + c];
    }
    let frozen = false;
    for (let pass = 0; pass <= n; pass++) {
      this.solve(lambda2);
      let newly = false;
      for (let i = 0; i < n; i++) {
        if ((dq[i] < 0 && q[i] <= this.lo[i] + BOUND_EPS) || (dq[i] > 0 && q[i] >= this.hi[i] - BOUND_EPS)) {
          for (let r = 0; r < 6; r++) jw[r * n + i] = 0;
          dq[i] = 0;
          newly = true;
        }
      }
      if (!newly) break;
      frozen = true;
    }
    // Trust region: scale the whole step so that no joint moves more than the cap.
    let scale = 1;
    for (let i = 0; i < n; i++) {
      const cap = this.prismatic[i] === 1 ? MAX_STEP_PRISMATIC : MAX_STEP_REVOLUTE;
      const a = Math.abs(dq[i]);
      if (a * scale > cap) scale = cap / a;
    }
    if (scale < 1) for (let i = 0; i < n; i++) dq[i] *= scale;
    return frozen;
  }

  /** dq = Jwᵀ (Jw Jwᵀ + λ²I)⁻¹ ew, raising λ² if the factorisation fails (it cannot for λ² > 0 barring roundoff). */
  private solve(lambda2: number): void {
    const n = this.dof;
    const jw = this.jw, x = this.x, dq = this.dq;
    let l2 = lambda2;
    for (let attempt = 0; attempt < 40; attempt++) {
      if (solveDamped6(jw, n, l2, this.ew, x)) {
        const x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5];
        for (let k = 0; k < n; k++) {
          dq[k] = jw[k] * x0 + jw[n + k] * x1 + jw[2 * n + k] * x2 + jw[3 * n + k] * x3 + jw[4 * n + k] * x4 + jw[5 * n + k] * x5;
        }
        return;
      }
      l2 = Math.max(l2 * 100, 1e-12);
    }
    dq.fill(0);
  }

  /** The frames of q into `cur`, unless `cur` holds exactly them already. */
  private framesAt(q: ArrayLike<number>): void {
    const at = this.curAt;
    for (let i = 0; i < this.dof; i++) {
      if (at[i] !== q[i]) {
        this.computeFrames(q, this.cur, at);
        return;
      }
    }
  }

  /** The frames of q into f, and q into `at` (the record of what f holds). */
  private computeFrames(q: ArrayLike<number>, f: Float64Array[], at: Float64Array): void {
    const n = this.dof;
    for (let i = 0; i < n; i++) at[i] = q[i];
    const rows = this.rows, ca = this.cosAlpha, sa = this.sinAlpha;
    // F_{i+1} = F_i · RotX(α)·TransX(a)·RotZ(θ)·TransZ(d), multiplied out on the rigid 3×4 part: with
    // u = cα·y + sα·z of F_i, the new axes are x' = cθ·x + sθ·u, y' = −sθ·x + cθ·u, z' = −sα·y + cα·z.
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      const qi = q[i] + row.offset;
      const prismatic = this.prismatic[i] === 1;
      const theta = prismatic ? row.theta : row.theta + qi;
      const d = prismatic ? row.d + qi : row.d;
      const ct = Math.cos(theta), st = Math.sin(theta), c = ca[i], s = sa[i], a = row.a;
      const P = f[i], F = f[i + 1];
      for (let r = 0; r < 12; r += 4) {
        const x = P[r], y = P[r + 1], z = P[r + 2];
        const u = c * y + s * z;
        const zr = c * z - s * y;
        F[r] = ct * x + st * u;
        F[r + 1] = ct * u - st * x;
        F[r + 2] = zr;
        F[r + 3] = P[r + 3] + a * x + d * zr;
      }
    }
    mat4Mul(f[n + 1], f[n], this.tool);
  }

  private jacobianFromFrames(f: Float64Array[], out: Float64Array): void {
    const n = this.dof;
    const t = f[n + 1];
    const px = t[3], py = t[7], pz = t[11];
    for (let j = 0; j < n; j++) {
      const m = f[j + 1];
      const zx = m[2], zy = m[6], zz = m[10];
      if (this.prismatic[j] === 1) {
        out[j] = zx; out[n + j] = zy; out[2 * n + j] = zz;
        out[3 * n + j] = 0; out[4 * n + j] = 0; out[5 * n + j] = 0;
      } else {
        const rx = px - m[3], ry = py - m[7], rz = pz - m[11];
        out[j] = zy * rz - zz * ry;
        out[n + j] = zz * rx - zx * rz;
        out[2 * n + j] = zx * ry - zy * rx;
        out[3 * n + j] = zx; out[4 * n + j] = zy; out[5 * n + j] = zz;
      }
    }
  }
}

function makeFrames(count: number): Float64Array[] {
  const buf = new Float64Array(count * 16);
  const views: Float64Array[] = [];
  for (let i = 0; i < count; i++) views.push(buf.subarray(i * 16, i * 16 + 16));
  // computeFrames writes only the rigid 3×4 part; the last row stays [0 0 0 1].
  for (const v of views) v[15] = 1;
  const f0 = views[0];
  f0[0] = f0[5] = f0[10] = 1;
  return views;
}

function norm3(v: Float64Array, o: number): number {
  return Math.sqrt(v[o] * v[o] + v[o + 1] * v[o + 1] + v[o + 2] * v[o + 2]);
}

function isFiniteMat(m: Float64Array): boolean {
  if (m.length < 16) return false;
  for (let i = 0; i < 16; i++) if (!Number.isFinite(m[i])) return false;
  return true;
}
