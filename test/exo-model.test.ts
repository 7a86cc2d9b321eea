// The exoskeleton's parts on their own: the patient's segments from the Dempster/Winter tables (REFERENCE.md check
// values), the reference gait tables, the assist-as-needed law, the intent detectors, the fatigue model, and the
// physics model's joint read-back, interaction torque and determinism.
import { describe, expect, it } from 'vitest';
import { anthropometry } from '../sim/exo/anthropometry.ts';
import { DEFAULT_TRAINER, exoSpec, patientSpec } from '../sim/exo/exo-spec.ts';
import { SimExo } from '../sim/exo/sim-exo.ts';
import { SimWorld } from '../sim/world.ts';
import { loadRapier } from '../sim/rapier.ts';
import { PeriodicTable, ReferenceGait, NORMATIVE_HIP_DEG, NORMATIVE_KNEE_DEG } from '../controller/exo/normative-gait.ts';
import { AssistAsNeeded } from '../controller/exo/assist-as-needed.ts';
import { BciDetector, EmgDetector } from '../controller/exo/intent.ts';
import { ThreeCompartmentFatigue, ANKLE_FATIGUE } from '../scenarios/patient/fatigue.ts';
import { rngStream } from '../scenarios/random.ts';

const DEG = Math.PI / 180;

describe('patient anthropometry (Dempster via Winter)', () => {
  it('gives the REFERENCE.md check values for H 1.80 m, M 93 kg', () => {
    const a = anthropometry(1.8, 93);
    expect(a.thigh.length).toBeCloseTo(0.441, 3);
    expect(a.thigh.mass).toBeCloseTo(9.3, 2);
    expect(a.thigh.inertia).toBeCloseTo(0.189, 3);
    expect(a.shank.length).toBeCloseTo(0.443, 3);
    expect(a.shank.mass).toBeCloseTo(4.32, 2);
    expect(a.shank.inertia).toBeCloseTo(0.077, 3);
    // The segments add up: hip height = thigh + shank + ankle height; the masses to the whole body.
    expect(a.thigh.length + a.shank.length + a.ankleHeight).toBeCloseTo(a.hipHeight, 9);
    expect(a.hatMass + 2 * (a.thigh.mass + a.shank.mass + a.foot.mass)).toBeCloseTo(93, 9);
  });
});

describe('reference gait', () => {
  const legs = { thigh: 0.441, shank: 0.443, pelvicTilt: 10 * DEG };
  const rom = (samples: readonly number[]) => {
    const t = new PeriodicTable(samples);
    let lo = Infinity, hi = -Infinity;
    for (let k = 0; k < 1000; k++) { const v = t.value(k / 1000); lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return hi - lo;
  };

  it('has the normative ranges: hip 35–50°, knee 55–70°, with REFERENCE.md landmarks', () => {
    expect(rom(NORMATIVE_HIP_DEG)).toBeGreaterThan(35);
    expect(rom(NORMATIVE_HIP_DEG)).toBeLessThan(50);
    expect(rom(NORMATIVE_KNEE_DEG)).toBeGreaterThan(55);
    expect(rom(NORMATIVE_KNEE_DEG)).toBeLessThan(70);
    const g = new ReferenceGait({ cadence: 110 }, legs);
    const q = new Float64Array(3), qd = new Float64Array(3);
    g.leg(0, q, qd);
    expect(q[0] / DEG).toBeGreaterThanOrEqual(25); // hip flexed at heel strike
    g.leg(0.6, q, qd);
    expect(q[1] / DEG).toBeGreaterThan(30); // knee bending at toe-off
    expect(q[1] / DEG).toBeLessThan(50);
  });

  it('is smooth and periodic, and its rates are the derivative of its angles', () => {
    const g = new ReferenceGait({ cadence: 100 }, legs);
    const a = new Float64Array(3), b = new Float64Array(3), qd = new Float64Array(3), tmp = new Float64Array(3);
    for (const phi of [0, 0.13, 0.5, 0.77, 0.999]) {
      const h = 1e-6;
      g.leg(phi - h, a, tmp);
      g.leg(phi + h, b, tmp);
      g.leg(phi, tmp, qd);
      for (let k = 0; k < 3; k++) expect(((b[k] - a[k]) / (2 * h)) / g.strideTime).toBeCloseTo(qd[k], 4);
    }
    g.leg(0, a, qd);
    g.leg(1, b, qd);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('sets cadence and stride length: stride time from cadence, belt speed from both', () => {
    const g = new ReferenceGait({ cadence: 120, strideLength: 1.0 }, legs);
    expect(g.strideTime).toBeCloseTo(1.0, 12);
    expect(g.strideLength).toBe(1.0);
    expect(g.beltSpeed).toBeCloseTo(1.0, 12);
    // A shorter stride is a smaller hip excursion.
    const short = new ReferenceGait({ cadence: 120, strideLength: 0.7 }, legs);
    expect(short.hipScale).toBeLessThan(g.hipScale);
    expect(() => new ReferenceGait({ cadence: 120, strideLength: 5 }, legs)).toThrow(/out of reach/);
  });
});

describe('assist-as-needed law (Emken & Reinkensmeyer)', () => {
  const p = { forgetting: 0.85, gain: 0.2, deadBandDeg: 2.5, minGuidance: 0 };

  it('relaxes by the forgetting factor each stride while the error stays in the dead band', () => {
    const aan = new AssistAsNeeded(p, 1, 1);
    for (let stride = 1; stride <= 10; stride++) {
      for (let k = 0; k < 100; k++) aan.sample(0, 1 * DEG); // 1° RMS: inside the dead band
      expect(aan.endStride(0)).toBeCloseTo(0.85 ** stride, 12);
    }
  });

  it('raises assistance by the gain per degree of error beyond the dead band, capped at 1', () => {
    const aan = new AssistAsNeeded(p, 1, 0.5);
    for (let k = 0; k < 100; k++) aan.sample(0, 3.5 * DEG);
    expect(aan.endStride(0)).toBeCloseTo(0.85 * 0.5 + 0.2 * 1, 9);
    for (let k = 0; k < 100; k++) aan.sample(0, 20 * DEG);
    expect(aan.endStride(0)).toBe(1);
  });
});

describe('intent detectors', () => {
  it('EMG: threshold from the resting baseline; a burst over it for the dwell time is one detection', () => {
    const dt = 0.001, rng = rngStream(1, 'test-emg');
    const d = new EmgDetector({ k: 3, baselineS: 1, dwellS: 0.05, envelopeHz: 5 }, dt);
    const hits: number[] = [];
    for (let k = 0; k < 4000; k++) {
      const burst = k >= 2000 && k < 2400 ? 0.2 : 0;
      if (d.step((0.02 + burst) * rng.gaussian())) hits.push(k);
    }
    expect(hits.length).toBe(1);
    expect(hits[0]).toBeGreaterThan(2000 + 50);
    expect(hits[0]).toBeLessThan(2000 + 200);
  });

  it('BCI: confidence over the threshold for the dwell time, once per epoch', () => {
    const d = new BciDetector({ threshold: 0.6, dwellS: 0.1 }, 0.001);
    const hits: number[] = [];
    for (let k = 0; k < 3000; k++) if (d.step(k >= 1000 && k < 1500 ? 0.85 : k === 2000 ? 0.9 : 0.2)) hits.push(k);
    expect(hits).toEqual([1099]); // the lone spike at 2000 is shorter than the dwell
  });
});

describe('fatigue (three-compartment, Xia & Frey-Law)', () => {
  it('conserves the motor units, fatigues under load and recovers at rest', () => {
    const f = new ThreeCompartmentFatigue({ ...ANKLE_FATIGUE, F: 0.05, R: 0.02 }, 1);
    for (let k = 0; k < 60_000; k++) f.step(0, 0.6, 0.001);
    const s = f.state;
    expect(s[0] + s[1] + s[2]).toBeCloseTo(1, 9);
    expect(f.capacity(0)).toBeLessThan(0.8);
    const tired = f.capacity(0);
    for (let k = 0; k < 60_000; k++) f.step(0, 0, 0.001);
    expect(f.capacity(0)).toBeGreaterThan(tired);
  });
});

describe('exoskeleton physics model', () => {
  async function build(ankle: 'passive' | 'actuated' = 'passive') {
    const R = await loadRapier();
    const world = new SimWorld(R, { dt: 0.001, lengthUnit: 0.05 });
    const exo = new SimExo('exo', exoSpec({ ankle }), patientSpec(1.8, 93), DEFAULT_TRAINER, 0.001);
    exo.build(R, world.world);
    world.addMechanism(exo);
    return { world, exo };
  }

  it('reads back the pose it was set to, and puts the lower foot on the belt', async () => {
    const { world, exo } = await build();
    const q = [0.4, 0.1, -0.05, -0.1, 0.3, 0.1];
    exo.setPose(q);
    for (let i = 0; i < 6; i++) expect(exo.limbQ[i]).toBeCloseTo(q[i], 5);
    expect(Math.min(exo.footHeight[0], exo.footHeight[1])).toBeGreaterThan(0);
    expect(Math.min(exo.footHeight[0], exo.footHeight[1])).toBeLessThan(0.001);
    world.free();
  });

  it('couples each drive to its limb joint through the cuff: a drive turned away from the limb pushes it', async () => {
    const { world, exo } = await build();
    exo.setPose([0.2, 0.3, 0, 0.2, 0.3, 0]);
    const knee = exo.spec.joints.findIndex((j) => j.name === 'knee_left');
    for (let j = 0; j < exo.spec.joints.length; j++) { exo.mode[j] = 0; exo.commandPosition[j] = exo.position[j]; }
    exo.commandPosition[knee] = 0.3 + 10 * DEG;
    for (let k = 0; k < 300; k++) world.step();
    // The cuff's torque is what turns the knee, and it is the torque the device measures.
    expect(exo.interactionTorque[knee]).toBeCloseTo(exo.cuffTorque[1], 12);
    expect(exo.limbQ[1]).toBeGreaterThan(0.3 + 3 * DEG);
    expect(Math.abs(exo.position[knee] - exo.limbQ[1]) * exo.spec.joints[knee].cuffStiffness)
      .toBeCloseTo(Math.abs(exo.interactionTorque[knee]), -1);
    world.free();
  });

  it('is deterministic: the same commands give the same state hash', async () => {
    const hash = async () => {
      const { world, exo } = await build('actuated');
      exo.setPose([0.3, 0.1, 0, -0.1, 0.2, 0.1]);
      exo.beltSpeedCommand = 0.5;
      for (let k = 0; k < 500; k++) {
        for (let j = 0; j < exo.spec.joints.length; j++) { exo.mode[j] = 1; exo.commandEffort[j] = 10 * Math.sin(k * 0.01 + j); }
        world.step();
      }
      const h = world.stateHash();
      world.free();
      return h;
    };
    expect(await hash()).toBe(await hash());
  });
});
