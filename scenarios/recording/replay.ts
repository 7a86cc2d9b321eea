// `steadysim replay`: runs a recording's scenario again with the recorded operator input, and with
// `verify` compares it with the recording: every joint-state sample (bit for bit) and every hash checkpoint.
// The report names the first tick that differs and what differs there, by how much.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { map } from 'rxjs';
import { isMap, parseDocument } from 'yaml';
import type { Stage } from '../../controller/loop.ts';
import type { InputSource } from '../../controller/input-source.ts';
import { parseScenario } from '../loader.ts';
import { runScenario, type RunResult } from '../runner.ts';
import type { SimWorld } from '../../sim/world.ts';
import { RecordedSource } from './input-tap.ts';
import { readRecording, type Recording } from './reader.ts';

export interface ReplayOptions {
  readonly verify?: boolean;
  /** Record the replay too (to compare two recordings, or to re-record an old one). */
  readonly recordTo?: string;
  readonly onProgress?: (fraction: number) => void;
}

export interface Difference {
  readonly what: string;
  readonly recorded: number;
  readonly replayed: number;
  readonly delta: number;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly samplesCompared: number;
  readonly checkpointsCompared: number;
  readonly checkpointsDiffering: number;
  /** First tick whose joint state or hash differs, and its simulated time (s). */
  readonly firstTick?: number;
  readonly firstTime?: number;
  /** What differs at that tick, largest first. */
  readonly differences: readonly Difference[];
  readonly firstCheckpoint?: { readonly tick: number; readonly recorded: string; readonly replayed: string; readonly differences: readonly Difference[] };
  readonly message: string;
}

export interface ReplayOutcome {
  readonly recording: Recording;
  readonly result: RunResult;
  readonly verify?: VerifyReport;
}

export async function replayRecording(path: string, opts: ReplayOptions = {}): Promise<ReplayOutcome> {
  const rec = readRecording(path);
  const meta = rec.meta;
  const scenario = parseScenario(withoutMissingInputFiles(meta.scenario, meta.scenario_file || path), meta.scenario_file || path);
  const inputs = new Map<string, InputSource>();
  for (const r of scenario.robots) inputs.set(r.id, new RecordedSource(rec.inputs(r.id)));
  const checker = opts.verify ? new Checker(rec) : undefined;
  let worldRef: SimWorld | undefined;
  const result = await runScenario(scenario, {
    seed: Number(meta.seed),
    hashInterval: Number(meta.hash_interval),
    inputOverride: inputs,
    onProgress: opts.onProgress,
    taps: checker ? [checker.tap(() => worldRef!)] : [],
    onPrepared: (run) => { worldRef = run.world; },
    record: opts.recordTo ? {
      path: opts.recordTo, scenarioText: meta.scenario, scenarioFile: meta.scenario_file,
      stateEveryTicks: Number(meta.state_every_ticks),
    } : undefined,
  });
  return { recording: rec, result, verify: checker?.report(result, Number(meta.dt)) };
}

/**
 * The recording holds every input sample, so a hand file the scenario read (`input.<robot>.file`) is not
 * needed to replay it: where that file is gone, a one-point script stands in (it is never sampled).
 */
function withoutMissingInputFiles(text: string, scenarioFile: string): string {
  const doc = parseDocument(text);
  const input = doc.get('input', true);
  if (!isMap(input)) return text;
  let changed = false;
  for (const item of input.items) {
    const block = item.value;
    if (!isMap(block)) continue;
    const file = block.get('file');
    if (typeof file !== 'string' || existsSync(resolve(dirname(scenarioFile), file))) continue;
    block.delete('file');
    block.set('script', doc.createNode([{ t: 0, p: [0, 0, 0] }]));
    changed = true;
  }
  return changed ? doc.toString() : text;
}

class Checker {
  private readonly rec: Recording;
  private readonly robots: string[];
  private readonly samples: Map<number, { robot: number; pos: number[]; vel: number[]; eff: number[]; names: string[] }[]>;
  private readonly recordedHash: Map<number, { hash: string; state: number[] }>;
  private readonly labels: string[];
  private compared = 0;
  private firstTick: number | undefined;
  private firstDiffs: Difference[] = [];
  private checkpoint: VerifyReport['firstCheckpoint'];
  private checkpointsCompared = 0;
  private checkpointsDiffering = 0;

  constructor(rec: Recording) {
    this.rec = rec;
    const file = rec.meta.scenario_file || '<recording>';
    const scenario = parseScenario(withoutMissingInputFiles(rec.meta.scenario, file), file);
    this.robots = scenario.robots.map((r) => r.id);
    this.samples = new Map();
    this.robots.forEach((id, robot) => {
      for (const { tick, msg } of rec.jointStates(id)) {
        let list = this.samples.get(tick);
        if (!list) this.samples.set(tick, (list = []));
        list.push({ robot, names: msg.joints.map((j) => j.name), pos: msg.joints.map((j) => j.position), vel: msg.joints.map((j) => j.velocity), eff: msg.joints.map((j) => j.effort) });
      }
    });
    this.recordedHash = new Map(rec.hashes().map((h) => [h.tick, { hash: h.hash, state: h.state }]));
    this.labels = JSON.parse(rec.meta.state_labels) as string[];
  }

  tap(world: () => SimWorld): Stage {
    return map((f) => {
      const w = world();
      const list = this.samples.get(f.tick);
      if (list) {
        for (const s of list) {
          // An arm, or a mechanism with joints (the exoskeleton) by the same id.
          const id = this.robots[s.robot];
          const r = w.robots.find((x) => x.id === id) ?? w.mechanisms.find((m) => m.id === id)!.jointStates!;
          this.compared++;
          if (this.firstTick !== undefined) continue;
          const diffs: Difference[] = [];
          for (let j = 0; j < s.names.length; j++) {
            add(diffs, `${id} joint ${s.names[j]} position`, s.pos[j], r.position[j]);
            add(diffs, `${id} joint ${s.names[j]} velocity`, s.vel[j], r.velocity[j]);
            add(diffs, `${id} joint ${s.names[j]} effort`, s.eff[j], r.effort[j]);
          }
          if (diffs.length) { this.firstTick = f.tick; this.firstDiffs = sortDiffs(diffs); }
        }
      }
      const h = this.recordedHash.get(f.tick + 1);
      if (h) {
        this.checkpointsCompared++;
        const state = w.lastHashedState();
        const diffs: Difference[] = [];
        for (let i = 0; i < Math.max(state.length, h.state.length); i++) add(diffs, this.labels[i] ?? `state[${i}]`, h.state[i] ?? Number.NaN, state[i] ?? Number.NaN);
        if (diffs.length) {
          this.checkpointsDiffering++;
          this.checkpoint ??= { tick: f.tick + 1, recorded: h.hash, replayed: '', differences: sortDiffs(diffs) };
          if (this.firstTick === undefined || f.tick < this.firstTick) { this.firstTick = f.tick; this.firstDiffs = sortDiffs(diffs); }
        }
      }
      return f;
    });
  }

  report(result: RunResult, dt: number): VerifyReport {
    const replayedByTick = new Map(result.hashes.map((h) => [h.tick, h.hash]));
    // The hashes themselves, beside the raw numbers (they also cover what the numbers are rounded from).
    for (const [tick, h] of this.recordedHash) {
      const mine = replayedByTick.get(tick);
      if (mine !== undefined && mine !== h.hash && !this.checkpoint) {
        this.checkpointsDiffering++;
        this.checkpoint = { tick, recorded: h.hash, replayed: mine, differences: [] };
        if (this.firstTick === undefined || tick - 1 < this.firstTick) this.firstTick = tick - 1;
      }
    }
    if (this.checkpoint && !this.checkpoint.replayed) this.checkpoint = { ...this.checkpoint, replayed: replayedByTick.get(this.checkpoint.tick) ?? '' };
    const ok = this.firstTick === undefined;
    const t = this.firstTick === undefined ? undefined : Math.round(this.firstTick * dt * 1e9) / 1e9;
    const top = this.firstDiffs.slice(0, 8).map((d) => `  ${d.what}: recorded ${d.recorded}, replayed ${d.replayed} (Δ ${fmt(d.delta)})`).join('\n');
    const message = ok
      ? `replay matches the recording: ${this.compared} joint-state samples and ${this.checkpointsCompared} hash checkpoints identical${this.rec.complete ? '' : ' (the recording was cut short; compared up to its end)'}`
      : `replay DIFFERS from the recording, first at tick ${this.firstTick} (t = ${t} s):\n${top}${this.firstDiffs.length > 8 ? `\n  … and ${this.firstDiffs.length - 8} more` : ''}\n` +
        `hash checkpoints: ${this.checkpointsDiffering} of ${this.checkpointsCompared} differ${this.checkpoint ? `, first at tick ${this.checkpoint.tick}` : ''}`;
    return {
      ok, samplesCompared: this.compared, checkpointsCompared: this.checkpointsCompared, checkpointsDiffering: this.checkpointsDiffering,
      firstTick: this.firstTick, firstTime: t, differences: this.firstDiffs, firstCheckpoint: this.checkpoint, message,
    };
  }
}

function add(out: Difference[], what: string, recorded: number, replayed: number): void {
  if (!Object.is(recorded, replayed)) out.push({ what, recorded, replayed, delta: replayed - recorded });
}

function sortDiffs(d: Difference[]): Difference[] {
  return d.sort((a, b) => (Math.abs(b.delta) || Infinity) - (Math.abs(a.delta) || Infinity));
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : String(x);
}
