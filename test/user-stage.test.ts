// A user's controller is one more operator in the loop: it sees the frame and rewrites the joint command,
// and the arm in the physics does what it says.
import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { parseScenario } from '../scenarios/loader.ts';
import { runScenario } from '../scenarios/runner.ts';
import type { Stage } from '../controller/loop.ts';
import { scenarioText } from './helpers.ts';

describe('plugging in a controller', () => {
  it('a user stage between IK and joint control changes what the arm does', async () => {
    const s = parseScenario(scenarioText({
      duration: 1.5,
      input: `    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: 1, p: [0.05, 0, 0] }`,
    }));
    // Freeze the yaw joint at its start: a hand moving along x needs yaw, so the tip must lag behind.
    let yaw0 = Number.NaN;
    const freezeYaw: Stage = map((frame) => {
      const q = frame.robots[0].qCommand;
      if (Number.isNaN(yaw0)) yaw0 = q[0];
      q[0] = yaw0;
      return frame;
    });
    const plain = await runScenario(s);
    const frozen = await runScenario(s, { userStages: [freezeYaw] });
    expect(plain.metrics['psm1.path_length_mm']).toBeGreaterThan(9);
    // With yaw frozen the x motion mostly disappears; only what pitch/insertion leak remains.
    expect(frozen.metrics['psm1.path_length_mm']).toBeLessThan(plain.metrics['psm1.path_length_mm'] / 2);
    expect(frozen.final_state_hash).not.toBe(plain.final_state_hash);
  });
});
