// Shared test helpers: run a scenario text through the real loop and keep what each tick did.
import { map } from 'rxjs';
import { parseScenario } from '../scenarios/loader.ts';
import { prepareRun, runTicks, type RunResult } from '../scenarios/runner.ts';
import { TELEOP_STATE_NAMES } from '../controller/frame.ts';
import { mat4 } from '../sim/math/mat4.ts';

export interface TickTrace {
  readonly tick: number;
  readonly safe: boolean;
  readonly teleop: string;
  readonly qCommand: number[];
  readonly position: number[];
  readonly commandPosition: number[];
  /** Tool tip from the physics bodies, world frame (m). */
  readonly tip: [number, number, number];
  /** Whether a fresh operator sample was latched this tick. */
  readonly fresh: boolean;
  /** The latched operator hand position (m). */
  readonly hand: number[];
}

/** `file`: where the scenario text notionally lives (relative input files are found next to it). */
export async function runTraced(yamlText: string, robot = 0, file?: string): Promise<{ result: RunResult; trace: TickTrace[] }> {
  const s = parseScenario(yamlText, file);
  const trace: TickTrace[] = [];
  const m = mat4();
  const run = await prepareRun(s, {
    taps: [map((f) => {
      const rf = f.robots[robot];
      const tip = run.world.robots[robot].tipPose(m);
      trace.push({
        tick: f.tick, safe: rf.safe, teleop: TELEOP_STATE_NAMES[rf.teleop],
        qCommand: Array.from(rf.qCommand), position: Array.from(rf.hw.position), commandPosition: Array.from(rf.hw.commandPosition),
        tip: [tip[3], tip[7], tip[11]], fresh: rf.fresh, hand: Array.from(rf.input.p),
      });
      return f;
    })],
  });
  try {
    runTicks(run);
    return { result: run.finish(0), trace };
  } finally {
    run.world.free();
  }
}

export function scenarioText(parts: { duration?: number; controller?: string; input?: string; events?: string; extra?: string }): string {
  return `name: test
seed: 4
duration: ${parts.duration ?? 2}
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
controller:
  psm1: ${parts.controller ?? '{ scale: 0.2 }'}
input:
  psm1:
${parts.input ?? `    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: 2, p: [0.03, 0.01, -0.01] }`}
${parts.events ? `events:\n${parts.events}` : ''}
${parts.extra ?? ''}
`;
}
