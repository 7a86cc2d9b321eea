// What the rehabilitation half must show (issue 5, "What it must show" 1–4), on the library's exoskeleton scenarios
// run through the same runner as the CLI: each scenario runs once and its result serves several checks.
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { map } from 'rxjs';
import { loadScenarioFile, parseScenario } from '../scenarios/loader.ts';
import { prepareRun, runScenario, runTicks, type RunResult } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import type { SimExo } from '../sim/exo/sim-exo.ts';
import { phaseDiff } from '../controller/exo/normative-gait.ts';

const lib = (name: string): Scenario => loadScenarioFile(`scenarios/${name}.yaml`).scenario;
const metric = (r: RunResult, name: string): number => {
  const v = r.metrics[`exo.${name}`];
  expect(v, `exo.${name}`).toBeTypeOf('number');
  return v;
};

describe('1. full guidance, healthy subject', () => {
  let r: RunResult;
  beforeAll(async () => { r = await runScenario(lib('exo-healthy-position')); });

  it('knee range of motion 55–70°, hip 35–50°, on both sides', () => {
    for (const side of ['left', 'right']) {
      expect(metric(r, `knee_rom_deg.${side}`)).toBeGreaterThanOrEqual(55);
      expect(metric(r, `knee_rom_deg.${side}`)).toBeLessThanOrEqual(70);
      expect(metric(r, `hip_rom_deg.${side}`)).toBeGreaterThanOrEqual(35);
      expect(metric(r, `hip_rom_deg.${side}`)).toBeLessThanOrEqual(50);
    }
  });

  it('left and right within 5% symmetry, walking at the set cadence', () => {
    for (const m of ['symmetry_index_pct', 'hip_rom_symmetry_pct', 'knee_rom_symmetry_pct']) expect(Math.abs(metric(r, m))).toBeLessThan(5);
    expect(metric(r, 'strides')).toBeGreaterThanOrEqual(7);
    expect(metric(r, 'cadence_steps_per_min')).toBeGreaterThan(95);
    expect(metric(r, 'cadence_steps_per_min')).toBeLessThan(105);
    expect(r.events.filter((e) => e.kind === 'safe_state')).toEqual([]);
  });
});

describe('path control (tunnel, free timing)', () => {
  it('walks a moderately weak patient inside the tunnel, its phase found from the legs, not the clock', async () => {
    const s = parseScenario(`
name: path
seed: 2
duration: 8
robots:
  - id: exo
    type: exo
    patient: { height_m: 1.8, mass_kg: 80, strength: 0.5 }
    controller: { type: path, tunnel_deg: 4, support_nm: 5, cadence_steps_per_min: 100 }
`);
    let drift = 0;
    const run = await prepareRun(s, {
      taps: [map((f) => {
        const ef = run.exoFrame!;
        if (f.tick > 2000) drift = Math.max(drift, Math.abs(phaseDiff(ef.pathPhase[0], ef.phase)));
        return f;
      })],
    });
    runTicks(run);
    const r = run.finish(0);
    run.world.free();
    expect(metric(r, 'strides')).toBeGreaterThanOrEqual(5);
    expect(r.events.filter((e) => e.kind === 'safe_state')).toEqual([]);
    expect(metric(r, 'knee_rom_deg.left')).toBeGreaterThan(50);
    // Free timing: the leg is ahead of or behind the clock's phase at times, never lost.
    expect(drift).toBeGreaterThan(0.005);
    expect(drift).toBeLessThan(0.25);
  });
});

describe('2. assist-as-needed', () => {
  let strong: RunResult, hemi: RunResult;
  beforeAll(async () => {
    [strong, hemi] = [await runScenario(lib('exo-aan-strong')), await runScenario(lib('exo-aan-hemiparetic'))];
  });

  it('on a strong patient, assistance falls under half its start within 30 strides, and the metrics show it', () => {
    const series = strong.series!['exo.assistance'];
    const start = metric(strong, 'assistance_start');
    expect(start).toBe(1);
    const half = series.findIndex((g) => g < 0.5 * start);
    expect(half).toBeGreaterThanOrEqual(0);
    expect(half).toBeLessThan(30);
    expect(metric(strong, 'strides_to_half_assistance')).toBe(half);
    expect(metric(strong, 'assistance_end')).toBeLessThan(0.5 * start);
    // The patient does the work the robot no longer does.
    expect(metric(strong, 'active_participation_pct')).toBeGreaterThan(80);
  });

  it("on a hemiparetic patient's weak side assistance stays above 80% every stride, while the strong side's relaxes", () => {
    const right = hemi.series!['exo.assistance.right'];
    expect(right.length).toBeGreaterThanOrEqual(15);
    for (const g of right) expect(g).toBeGreaterThan(0.8);
    expect(metric(hemi, 'assistance_min.right')).toBeGreaterThan(0.8);
    expect(metric(hemi, 'assistance_end.left')).toBeLessThan(0.5);
    // The weak side leaves more of the work to the robot than the strong one.
    expect(metric(hemi, 'active_participation_pct.right')).toBeLessThan(metric(hemi, 'active_participation_pct.left'));
  });
});

describe('3. intent-triggered stepping', () => {
  it('EMG: every step starts after an intent (within 200 ms), and none before the first', async () => {
    const r = await runScenario(lib('exo-emg-triggered'));
    const intents = r.events.filter((e) => e.kind === 'intent').map((e) => e.t);
    const steps = r.events.filter((e) => e.kind === 'step_start').map((e) => e.t);
    expect(steps.length).toBe(intents.length);
    for (const t of steps) {
      const before = intents.filter((i) => i <= t);
      expect(before.length).toBeGreaterThan(0);
      expect(t - before[before.length - 1]).toBeLessThan(0.2);
    }
    expect(metric(r, 'false_triggers')).toBe(0);
  });

  it("brain interface: the decoder's latency shows in step onset", async () => {
    const text = readFileSync('scenarios/exo-bci-triggered.yaml', 'utf8');
    const slow = await runScenario(parseScenario(text));
    const fast = await runScenario(parseScenario(text.replace('latency_ms: 250', 'latency_ms: 50')));
    for (const r of [slow, fast]) {
      expect(metric(r, 'steps_triggered')).toBe(3);
      const intents = r.events.filter((e) => e.kind === 'intent');
      for (const s of r.events.filter((e) => e.kind === 'step_start')) expect(intents.some((i) => i.t < s.t)).toBe(true);
    }
    // 200 ms more decoding latency: 200 ms later detection and step onset (the foot leaving the belt).
    expect(metric(slow, 'intent_detection_latency_ms') - metric(fast, 'intent_detection_latency_ms')).toBeCloseTo(200, -1.5);
    expect(metric(slow, 'step_onset_latency_ms') - metric(fast, 'step_onset_latency_ms')).toBeGreaterThan(150);
    expect(metric(slow, 'step_onset_latency_ms') - metric(fast, 'step_onset_latency_ms')).toBeLessThan(250);
    expect(metric(slow, 'step_onset_latency_ms')).toBeGreaterThan(250);
  });
});

describe('4. faults and emergency stop', () => {
  it('every library exoskeleton scenario expects its interaction torque under its own limit (the library test runs them)', () => {
    const files = readdirSync('scenarios').filter((f) => /^exo-.*\.yaml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const s = loadScenarioFile(`scenarios/${f}`).scenario;
      const robot = s.robots[0];
      if (robot.type !== 'exo') throw new Error(`${f}: not an exoskeleton scenario`);
      const e = s.expect.find((x) => 'metric' in x && x.metric === 'exo.interaction_torque_peak_nm');
      expect(e, f).toBeDefined();
      expect(e && 'metric' in e ? e.max : undefined, f).toBeLessThanOrEqual(robot.controller.interaction_limit_nm);
    }
  });

  /** Runs a scenario recording, after the safe state is entered, the largest drive torque and belt speed. */
  async function traced(name: string) {
    const s = lib(name);
    let exo!: SimExo;
    let safeTick = -1, maxTorqueShare = 0, beltAfter1s = Infinity;
    const run = await prepareRun(s, {
      taps: [map((f) => {
        const ef = run.exoFrame!;
        if (ef.safe && safeTick < 0) safeTick = f.tick;
        if (ef.safe && f.tick > safeTick) {
          exo.spec.joints.forEach((j, i) => { maxTorqueShare = Math.max(maxTorqueShare, Math.abs(exo.effort[i]) / j.effort); });
          if (f.tick - safeTick === 1000) beltAfter1s = exo.beltSpeed;
        }
        return f;
      })],
    });
    exo = run.world.mechanisms[0] as SimExo;
    runTicks(run);
    const result = run.finish(0);
    run.world.free();
    return { result, safeTick, maxTorqueShare, beltAfter1s };
  }

  it.each(['exo-motor-fault', 'exo-estop'])('%s: safe within one tick of detection, holding with limited torque', async (name) => {
    const { result, safeTick, maxTorqueShare, beltAfter1s } = await traced(name);
    const ev = result.events;
    const trigger = ev.find((e) => e.kind === 'drive_fault' || e.kind === 'estop')!;
    const safe = ev.find((e) => e.kind === 'safe_state')!;
    expect(safe.tick - trigger.tick).toBeLessThanOrEqual(1);
    expect(safeTick).toBe(safe.tick);
    expect(metric(result, 'safe_state_latency_ticks')).toBeLessThanOrEqual(1);
    // The hold: at most the hold share (40%) of each drive's torque; the treadmill stopped.
    expect(maxTorqueShare).toBeLessThanOrEqual(0.4 + 1e-9);
    expect(beltAfter1s).toBe(0);
    expect(metric(result, 'interaction_torque_peak_nm')).toBeLessThan(100);
  });

  it('an interaction torque over its limit is caught, as an event, and the device is made safe', async () => {
    const text = readFileSync('scenarios/exo-healthy-position.yaml', 'utf8').replace('cadence_steps_per_min: 100', 'cadence_steps_per_min: 100, interaction_limit_nm: 20');
    const r = await runScenario({ ...parseScenario(text), duration: 3 });
    const hit = r.events.find((e) => e.kind === 'interaction_limit')!;
    expect(hit).toBeDefined();
    expect(Math.abs(hit.value!)).toBeGreaterThan(20);
    expect(r.events.find((e) => e.kind === 'safe_state')!.tick).toBe(hit.tick);
  });
});
