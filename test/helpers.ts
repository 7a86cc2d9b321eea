// Shared test helpers: run a scenario text through the real loop and keep what each tick did.
import { map } from 'rxjs';
import { parseScenario } from '../scenarios/loader.ts';
import { prepareRun, runTicks, type RunResult } from '../scenarios/runner.ts';
import { TELEOP_STATE_NAMES } from '../controller/frame.ts';

export interface TickTrace {
  readonly tick: number;
  readonly safe: boolean;
  readonly teleop: string;
  readonly qCommand: number[];
  readonly position: number[];
  readonly commandPosition: number[];
}

export async function runTraced(yamlText: string, robot = 0): Promise<{ result: RunResult; trace: TickTrace[] }> {
  const s = parseScenario(yamlText);
  const trace: TickTrace[] = [];
  const run = await prepareRun(s, {
    taps: [map((f) => {
      const rf = f.robots[robot];
      trace.push({
        tick: f.tick, safe: rf.safe, teleop: TELEOP_STATE_NAMES[rf.teleop],
        qCommand: Array.from(rf.qCommand), position: Array.from(rf.hw.position), commandPosition: Array.from(rf.hw.commandPosition),
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
