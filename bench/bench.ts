// `npm run bench`: speed as ratios within one run (our tick vs the bare physics step of the same world,
// same commands, no loop), and the three tremor filters side by side. `-- --json` prints one JSON object.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { map } from 'rxjs';
import { parseScenario } from '../scenarios/loader.ts';
import { prepareRun, runTicks } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { tremorBench, type TremorRow } from './tremor-bench.ts';
import { batchBench } from './batch-bench.ts';
import { round } from '../scenarios/round.ts';
import { SimExo } from '../sim/exo/sim-exo.ts';
import type { SimWorld } from '../sim/world.ts';

interface SceneRow {
  name: string;
  /** Rapier's step alone, with the commands written (no state read back). */
  rapier_step_us_per_tick: number;
  /** The simulated hardware's tick: commands written, Rapier step, joint and contact state read back. */
  physics_us_per_tick: number;
  tick_us_per_tick: number;
  ratio: number;
  realtime_factor: number;
}

const json = process.argv.includes('--json');
const TRIALS = 5;

function scenarioFile(name: string): Scenario {
  const path = fileURLToPath(new URL(`../scenarios/${name}.yaml`, import.meta.url));
  return parseScenario(readFileSync(path, 'utf8'), path);
}

/**
 * The exoskeleton's commands as its controller and the patient model write them before each step: drive modes,
 * set points, torques, gains (guidance changes them), the patient's muscle torques and the belt speed.
 */
const EXO_COMMANDS = ['mode', 'commandPosition', 'commandVelocity', 'commandEffort', 'stiffness', 'damping', 'effortScale', 'muscleTorque'] as const;

function exoCommandLength(exo: SimExo): number {
  return EXO_COMMANDS.reduce((n, k) => n + exo[k].length, 1);
}

function saveExoCommands(exo: SimExo, out: Float64Array): void {
  let o = 0;
  for (const k of EXO_COMMANDS) { out.set(exo[k], o); o += exo[k].length; }
  out[o] = exo.beltSpeedCommand;
}

function loadExoCommands(exo: SimExo, row: Float64Array): void {
  let o = 0;
  for (const k of EXO_COMMANDS) { const a = exo[k]; for (let i = 0; i < a.length; i++) a[i] = row[o++]; }
  exo.beltSpeedCommand = row[o];
}

/** Commands of every robot and of the exoskeleton at every tick, recorded from one run of the loop. */
async function recordCommands(s: Scenario): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  let world: SimWorld | undefined;
  const run = await prepareRun(s, {
    taps: [map((f) => {
      // Commands as they were written before this tick's step (the step does not change them).
      for (const hw of world!.robots) {
        const row = new Float64Array(hw.mode.length * 3);
        for (let j = 0; j < hw.mode.length; j++) { row[3 * j] = hw.mode[j]; row[3 * j + 1] = hw.commandPosition[j]; row[3 * j + 2] = hw.mode[j] ? hw.commandEffort[j] : hw.commandVelocity[j]; }
        out.push(row);
      }
      for (const m of world!.mechanisms) {
        if (!(m instanceof SimExo)) continue;
        const row = new Float64Array(exoCommandLength(m));
        saveExoCommands(m, row);
        out.push(row);
      }
      return f;
    })],
  });
  world = run.world;
  runTicks(run);
  run.world.free();
  return out;
}

async function timeLoop(s: Scenario): Promise<number> {
  const run = await prepareRun(s);
  const t0 = performance.now();
  runTicks(run);
  const us = ((performance.now() - t0) * 1000) / run.ticks;
  run.world.free();
  return us;
}

/**
 * The same world driven by the recorded commands, without the loop. `readBack`: also read the joint and
 * contact state back after each step (the simulated hardware's `read()`, which any controller needs);
 * without it, Rapier's step alone.
 */
async function timeBare(s: Scenario, commands: readonly Float64Array[], readBack: boolean): Promise<number> {
  const run = await prepareRun(s); // the same world, built the same way; its loop is never run
  const world = run.world;
  const robots = world.robots;
  const n = run.ticks;
  const t0 = performance.now();
  let k = 0;
  const exos = world.mechanisms.filter((m): m is SimExo => m instanceof SimExo);
  for (let t = 0; t < n; t++) {
    for (let r = 0; r < robots.length; r++) {
      const row = commands[k++];
      const hw = robots[r];
      for (let j = 0; j < hw.mode.length; j++) {
        hw.mode[j] = row[3 * j];
        hw.commandPosition[j] = row[3 * j + 1];
        if (hw.mode[j]) hw.commandEffort[j] = row[3 * j + 2]; else hw.commandVelocity[j] = row[3 * j + 2];
      }
    }
    for (let e = 0; e < exos.length; e++) loadExoCommands(exos[e], commands[k++]);
    if (readBack) world.step(); else world.stepPhysicsOnly();
  }
  const us = ((performance.now() - t0) * 1000) / n;
  world.free();
  return us;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function sceneBench(name: string, file: string): Promise<SceneRow> {
  const s = scenarioFile(file);
  const commands = await recordCommands(s);
  await timeLoop(s); // warm-up: JIT both paths before measuring
  await timeBare(s, commands, true);
  const loop: number[] = [], bare: number[] = [], rapier: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    // Interleaved so that machine load drifts affect all alike.
    rapier.push(await timeBare(s, commands, false));
    bare.push(await timeBare(s, commands, true));
    loop.push(await timeLoop(s));
  }
  const physics = median(bare), tick = median(loop);
  return {
    name,
    rapier_step_us_per_tick: round(median(rapier), 2),
    physics_us_per_tick: round(physics, 2),
    tick_us_per_tick: round(tick, 2),
    ratio: round(tick / physics, 3),
    realtime_factor: round(1e6 / (s.rate * tick), 2),
  };
}


const scenes = [await sceneBench('single-psm-1khz', 'reach-targets'), await sceneBench('exoskeleton-1khz', 'exo-healthy-position')];
const tremor: TremorRow[] = tremorBench();
const batch = await batchBench();

if (json) {
  process.stdout.write(JSON.stringify({ scenes, tremor, batch }) + '\n');
} else {
  console.log('Speed (median of %d interleaved trials). physics = the bare simulated hardware step of the same world with the same', TRIALS);
  console.log('commands (write commands, Rapier step, read joint and contact state back); tick = our whole loop; ratio = tick / physics.');
  console.table(scenes);
  const [psm, exo] = scenes;
  console.log(`targets: PSM ratio ≤ 1.25 → ${psm.ratio <= 1.25 ? 'met' : 'NOT met'}; real-time factor ≥ 10 → PSM ${psm.realtime_factor >= 10 ? 'met' : 'NOT met'}, exoskeleton ${exo.realtime_factor >= 10 ? 'met' : 'NOT met'}`);
  console.log('\nTremor filters on a 9 Hz, 0.3 mm tremor over minimum-jerk reaches (10 s at 1 kHz)');
  console.table(tremor);
  console.log(`\nBatch: the library (${batch.scenarios}, ${batch.runs} runs, ${batch.simulated_s} s simulated) on worker threads, wall time incl. start-up, best of ${batch.trials}`);
  console.table([{ workers_1_s: batch.workers_1_s, workers_2_s: batch.workers_2_s, speedup: batch.speedup, cpus: batch.cpus, load_1m: `${batch.load_before} → ${batch.load_after}`, all_passed: batch.all_passed }]);
  console.log(`target: speedup ≥ 1.7 on 2 cores → ${batch.speedup >= 1.7 ? 'met' : 'NOT met'}${batch.cpus < 2 ? ' (fewer than 2 CPUs here)' : ''}`);
  if (batch.invalid_files.length) console.log(`left out (invalid): ${batch.invalid_files.join(', ')}`);
}
