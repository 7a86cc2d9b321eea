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

/** Commands of every robot and of the exoskeleton at every tick, and the run's final state hash. */
interface Recording {
  readonly commands: Float64Array[];
  readonly finalHash: string;
}

/** µs per tick of the loop, the hardware step and Rapier's step alone, in one trial. */
interface Trial {
  readonly loop: number;
  readonly physics: number;
  readonly rapier: number;
}

/** Records one whole run of the loop: the commands the other two replay, and the state it must end in. */
async function recordCommands(s: Scenario): Promise<Recording> {
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
  const finalHash = run.finish(0).final_state_hash;
  run.world.free();
  return { commands: out, finalHash };
}

/**
 * Steps a world without the loop, driven by the recorded commands: ticks first … first+count−1. `readBack`: also
 * read the joint and contact state back after each step (the simulated hardware's `read()`, which any
 * controller needs); without it, Rapier's step alone.
 */
function bareTicks(world: SimWorld, commands: readonly Float64Array[], readBack: boolean, first: number, count: number): void {
  const robots = world.robots;
  const exos = world.mechanisms.filter((m): m is SimExo => m instanceof SimExo);
  const perTick = robots.length + exos.length;
  let k = first * perTick;
  for (let t = 0; t < count; t++) {
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
}

/** Ticks each of the three takes in its turn: about 15–20 ms of work, short against the machine's drifts. */
const CHUNK = 200;

/**
 * One trial: the loop, the hardware step and Rapier's step alone, each on its own copy of the world (built the
 * same way), advanced in turns of CHUNK ticks with the order rotating, so that the three meet the same machine
 * from moment to moment and their ratio does not move with it. µs per tick of each.
 */
async function trial(s: Scenario, recorded: Recording): Promise<Trial> {
  const loopRun = await prepareRun(s), hwRun = await prepareRun(s), rapierRun = await prepareRun(s);
  const n = loopRun.ticks;
  const ms = [0, 0, 0];
  for (let k = 0, c = 0; k < n; k += CHUNK, c++) {
    const count = Math.min(CHUNK, n - k);
    for (let o = 0; o < 3; o++) {
      const which = (o + c) % 3;
      const t0 = performance.now();
      if (which === 0) runTicks(loopRun, k, count);
      else bareTicks(which === 1 ? hwRun.world : rapierRun.world, recorded.commands, which === 1, k, count);
      ms[which] += performance.now() - t0;
    }
  }
  // The loop pushed through in pieces must be the very run that was recorded, or the comparison means nothing.
  const hash = loopRun.finish(0).final_state_hash;
  if (hash !== recorded.finalHash) throw new Error(`${s.name}: the loop run in pieces ended in state ${hash}, the whole run in ${recorded.finalHash}`);
  for (const r of [loopRun, hwRun, rapierRun]) r.world.free();
  return { loop: (ms[0] * 1000) / n, physics: (ms[1] * 1000) / n, rapier: (ms[2] * 1000) / n };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function sceneBench(name: string, file: string): Promise<SceneRow> {
  const s = scenarioFile(file);
  const recorded = await recordCommands(s);
  await trial(s, recorded); // warm-up: JIT all three paths before measuring
  const trials: Trial[] = [];
  for (let i = 0; i < TRIALS; i++) trials.push(await trial(s, recorded));
  const tick = median(trials.map((t) => t.loop));
  return {
    name,
    rapier_step_us_per_tick: round(median(trials.map((t) => t.rapier)), 2),
    physics_us_per_tick: round(median(trials.map((t) => t.physics)), 2),
    tick_us_per_tick: round(tick, 2),
    // Per trial, then the median: each trial's two figures were taken side by side.
    ratio: round(median(trials.map((t) => t.loop / t.physics)), 3),
    realtime_factor: round(1e6 / (s.rate * tick), 2),
  };
}


const scenes = [await sceneBench('single-psm-1khz', 'reach-targets'), await sceneBench('exoskeleton-1khz', 'exo-healthy-position')];
const tremor: TremorRow[] = tremorBench();
const batch = await batchBench();

if (json) {
  process.stdout.write(JSON.stringify({ scenes, tremor, batch }) + '\n');
} else {
  console.log('Speed (median of %d trials; in each, the three run side by side in turns of %d ticks). physics = the bare simulated hardware step of the', TRIALS, CHUNK);
  console.log('same world with the same commands (write commands, Rapier step, read joint and contact state back); tick = our whole loop;');
  console.log('ratio = tick / physics, per trial, then the median.');
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
